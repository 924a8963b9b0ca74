import { describe, expect, it } from "vitest";
import { fromBase64url } from "~/crypto/encoding.server";
import { randomBytes, randomToken } from "~/crypto/random.server";

describe("randomBytes", () => {
  it("gives the number of bytes asked for, different each time", () => {
    expect(randomBytes(16)).toHaveLength(16);
    expect(randomBytes(32)).not.toEqual(randomBytes(32));
  });
});

describe("randomToken", () => {
  it("is base64url of exactly that many random bytes (32 bytes: 43 characters)", () => {
    const token = randomToken(32);
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(fromBase64url(token)).toHaveLength(32);
  });

  it("never repeats", () => {
    const tokens = new Set(Array.from({ length: 200 }, () => randomToken(16)));
    expect(tokens.size).toBe(200);
  });
});
