// argon2id inside workerd agrees with the independent native implementation (@node-rs/argon2, which
// made the reference hashes below), for ASCII and non-ASCII passwords alike.
import { describe, expect, it } from "vitest";
import { hashPassword, needsRehash, verifyPassword } from "~/passwords/password.server";

// Made with @node-rs/argon2 2.2.1: hashSync(password, { algorithm: Argon2id, memoryCost: 19456, timeCost: 2, parallelism: 1 }).
const NATIVE = {
  "pässwörd ünïcödé ✓ 密码":
    "$argon2id$v=19$m=19456,t=2,p=1$Xb+glxZnRGuovvx6v8eZPA$W8F9808V/UgPjydVkurT66e8zMMQ9xvHnXUSkEMdCKo",
  ääääääää: "$argon2id$v=19$m=19456,t=2,p=1$g7AfFrI5djpN91ISf+pYkQ$CjGHLYfhGUWD8wh9vVX6PCviCNWmNWDR8y1/R1ogqFg",
};

describe("password hashing (argon2id, m=19456 t=2 p=1)", () => {
  it("verifies hashes made by the native implementation, non-ASCII passwords included", () => {
    for (const [password, hash] of Object.entries(NATIVE)) {
      expect(verifyPassword(hash, password)).toBe(true);
      expect(verifyPassword(hash, `${password}x`)).toBe(false);
    }
  });

  it("hashes every UTF-8 byte of a password, not just its first UTF-16-length bytes", () => {
    // Both are 8 UTF-16 units whose first 8 UTF-8 bytes are "ääää": a binding that cut there would accept either.
    const hash = hashPassword("ääääääää");
    expect(verifyPassword(hash, "ääääääää")).toBe(true);
    expect(verifyPassword(hash, "ääääxxxx")).toBe(false);
  });

  it("writes PHC strings with the current parameters and a 16-byte salt", () => {
    const hash = hashPassword("correct horse battery staple");
    expect(hash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$/);
    expect(needsRehash(hash)).toBe(false);
    expect(needsRehash("$argon2id$v=19$m=65536,t=3,p=4$c2FsdHNhbHRzYWx0$aGFzaA")).toBe(true);
  });

  it("answers false, never throws, for a malformed hash", () => {
    expect(verifyPassword("not a hash", "whatever")).toBe(false);
    expect(verifyPassword("", "whatever")).toBe(false);
  });
});
