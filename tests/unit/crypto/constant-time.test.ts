import { describe, expect, it } from "vitest";
import { secretsEqual } from "~/crypto/constant-time.server";

describe("secretsEqual", () => {
  it.each([
    ["", "", true],
    ["abc", "abc", true],
    ["abc", "abd", false],
    ["abc", "ab", false],
    ["abc", "abcd", false],
    ["é", "é", true],
    // The same length in characters, not in UTF-8 bytes: never equal, never a throw.
    ["é", "e", false],
  ])("%j and %j: %s", (a, b, equal) => {
    expect(secretsEqual(a, b)).toBe(equal);
    expect(secretsEqual(b, a)).toBe(equal);
  });

  it("uses workerd's native constant-time comparison where it exists", () => {
    expect(typeof crypto.subtle.timingSafeEqual).toBe("function");
  });
});
