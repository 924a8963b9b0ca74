import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { messages, serverMessages } from "~/messages";
import { newPasswordProblem } from "~/passwords/password-policy.server";

const passwordPolicyError = (password: string, email: string, current?: string) =>
  newPasswordProblem({ password, email, ...(current === undefined ? {} : { current }) }, env);

describe("newPasswordProblem", () => {
  it.each([
    ["password", "a@example.com"],
    ["PASSWORD1", "a@example.com"],
    ["iloveyou", "a@example.com"],
    ["12345678", "a@example.com"],
    ["sunshine", "a@example.com"],
  ])("refuses the common password %s", async (password, email) => {
    await expect(passwordPolicyError(password, email)).resolves.toBe(messages.passwordTooCommon);
  });

  it.each([
    ["grace.hopper", "grace.hopper@example.com"],
    ["my-grace.hopper-pw", "grace.hopper@example.com"],
    ["xxHOPPERxx!", "hopper@example.com"],
  ])("refuses %s for %s: it contains the email's local part", async (password, email) => {
    await expect(passwordPolicyError(password, email)).resolves.toBe(messages.passwordContainsEmail);
  });

  it.each([
    ["correct horse battery", "grace@example.com"],
    ["an apple a day", "a@example.com"],
    ["Tr0ub4dor&3-extra", "jo@example.com"],
  ])("accepts %s for %s", async (password, email) => {
    await expect(passwordPolicyError(password, email)).resolves.toBeNull();
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
