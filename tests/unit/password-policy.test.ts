import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { messages, serverMessages } from "~/messages";
import { newPasswordProblem } from "~/passwords/password-policy.server";

const passwordPolicyError = (password: string, email: string, current?: string) =>
  newPasswordProblem({ password, email, ...(current === undefined ? {} : { current }) }, env);

describe("newPasswordProblem", () => {
  it.each([
    // Common passwords.
    ["password", "a@example.com", messages.passwordTooCommon],
    ["PASSWORD1", "a@example.com", messages.passwordTooCommon],
    ["iloveyou", "a@example.com", messages.passwordTooCommon],
    ["12345678", "a@example.com", messages.passwordTooCommon],
    ["sunshine", "a@example.com", messages.passwordTooCommon],
    // The email's local part inside the password.
    ["grace.hopper", "grace.hopper@example.com", messages.passwordContainsEmail],
    ["my-grace.hopper-pw", "grace.hopper@example.com", messages.passwordContainsEmail],
    ["xxHOPPERxx!", "hopper@example.com", messages.passwordContainsEmail],
    // Neither.
    ["correct horse battery", "grace@example.com", null],
    ["an apple a day", "a@example.com", null],
    ["Tr0ub4dor&3-extra", "jo@example.com", null],
  ])("%s for %s: %s", async (password, email, expected) => {
    await expect(passwordPolicyError(password, email)).resolves.toBe(expected);
  });

  it("refuses the current password as the new one, before any other rule", async () => {
    await expect(passwordPolicyError("password", "a@example.com", "password")).resolves.toBe(
      serverMessages.newPasswordUnchanged,
    );
    await expect(passwordPolicyError("correct horse battery", "a@example.com", "another one")).resolves.toBeNull();
  });

  it("ships the list: thousands of entries, none shorter than the 8-character minimum", async () => {
    const list = (await import("~/passwords/common-passwords.txt?raw")).default
      .split("\n")
      .filter((line) => line && !line.startsWith("#"));
    expect(list.length).toBeGreaterThan(3000);
    expect(list.every((entry) => entry.length >= 8)).toBe(true);
  });
});
