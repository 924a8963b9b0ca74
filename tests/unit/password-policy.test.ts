import { describe, expect, it } from "vitest";
import { messages } from "~/messages";
import { passwordPolicyError } from "~/passwords/password-policy.server";

describe("passwordPolicyError", () => {
  it.each([
    ["password", "a@example.com"],
    ["PASSWORD1", "a@example.com"],
    ["iloveyou", "a@example.com"],
    ["12345678", "a@example.com"],
    ["sunshine", "a@example.com"],
  ])("refuses the common password %s", (password, email) => {
    expect(passwordPolicyError(password, email)).toBe(messages.passwordTooCommon);
  });

  it.each([
    ["grace.hopper", "grace.hopper@example.com"],
    ["my-grace.hopper-pw", "grace.hopper@example.com"],
    ["xxHOPPERxx!", "hopper@example.com"],
  ])("refuses %s for %s: it contains the email's local part", (password, email) => {
    expect(passwordPolicyError(password, email)).toBe(messages.passwordContainsEmail);
  });

  it.each([
    ["correct horse battery", "grace@example.com"],
    ["an apple a day", "a@example.com"],
    ["Tr0ub4dor&3-extra", "jo@example.com"],
  ])("accepts %s for %s", (password, email) => {
    expect(passwordPolicyError(password, email)).toBeNull();
  });

  it("ships the list: thousands of entries, none shorter than the 8-character minimum", async () => {
    const list = (await import("~/passwords/common-passwords.txt?raw")).default
      .split("\n")
      .filter((line) => line && !line.startsWith("#"));
    expect(list.length).toBeGreaterThan(3000);
    expect(list.every((entry) => entry.length >= 8)).toBe(true);
  });
});
