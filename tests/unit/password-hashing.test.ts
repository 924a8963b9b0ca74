// docs/product.md "Passwords": argon2id, m=19456 KiB, t=2, p=1, random 16-byte salt, a PHC string; any argon2id
// hash verifies; other parameters are flagged for a re-hash. ASVS 5.0 V11.4.2.
import { describe, expect, it } from "vitest";
import { hashPassword, needsRehash, verifyDummyPassword, verifyPassword } from "~/passwords/password.server";
import { median } from "../../harness/stats";

const PHC = /^\$argon2id\$v=19\$m=19456,t=2,p=1\$([A-Za-z0-9+/]+)\$([A-Za-z0-9+/]+)$/;

function base64Bytes(unpadded: string): number {
  return atob(unpadded + "=".repeat((4 - (unpadded.length % 4)) % 4)).length;
}

describe("hashPassword", () => {
  const hash = hashPassword("correct horse battery");

  it("is a PHC string $argon2id$v=19$m=19456,t=2,p=1$…", () => {
    expect(hash).toMatch(PHC);
  });

  it("uses a 16-byte salt and a 32-byte hash", () => {
    const [, salt = "", digest = ""] = PHC.exec(hash) ?? [];
    expect(base64Bytes(salt)).toBe(16);
    expect(base64Bytes(digest)).toBe(32);
  });

  it("salts randomly: the same password hashes differently each time", () => {
    const again = hashPassword("correct horse battery");
    expect(again).not.toBe(hash);
    expect(PHC.exec(again)?.[1]).not.toBe(PHC.exec(hash)?.[1]);
  });

  it("never contains the password", () => {
    expect(hash).not.toContain("correct horse battery");
  });
});

describe("verifyPassword", () => {
  const hash = hashPassword("correct horse battery");

  it("accepts the right password", () => {
    expect(verifyPassword(hash, "correct horse battery")).toBe(true);
  });

  it.each([
    ["a wrong password", "correct horse batterY"],
    ["the empty string", ""],
    ["a prefix", "correct horse"],
    ["with a trailing space", "correct horse battery "],
  ])("refuses %s", (_case, password) => {
    expect(verifyPassword(hash, password)).toBe(false);
  });

  it("counts every character of a non-ASCII password, not just as many bytes as it has UTF-16 units", () => {
    // 12 characters, 36 UTF-8 bytes: a length in UTF-16 units would hash only the first 4 characters.
    const hash = hashPassword("密码密码密码密码密码密码");
    expect(verifyPassword(hash, "密码密码密码密码密码密码")).toBe(true);
    expect(verifyPassword(hash, "密码密码xxxxxxxx")).toBe(false);
    expect(verifyPassword(hash, "密码密码密码密码密码密")).toBe(false);
  });

  it("handles non-ASCII passwords", () => {
    const unicode = hashPassword("pässwörd 🔑 пароль");
    expect(verifyPassword(unicode, "pässwörd 🔑 пароль")).toBe(true);
    expect(verifyPassword(unicode, "passwörd 🔑 пароль")).toBe(false);
  });

  it.each([
    ["empty", ""],
    ["plain text", "correct horse battery"],
    ["a bare prefix", "$argon2id$"],
    ["no salt or hash", "$argon2id$v=19$m=19456,t=2,p=1"],
    ["a broken salt", "$argon2id$v=19$m=19456,t=2,p=1$!!!!$AAAA"],
    ["a truncated hash", hash.slice(0, -10)],
    [
      "absurd memory",
      "$argon2id$v=19$m=99999999999,t=2,p=1$c2FsdHNhbHRzYWx0c2FsdA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
    ],
    ["a bcrypt hash", "$2b$12$C6UzMDM.H6dfI/f/IKxGhuQwW6NuQlQqyPh.sDk7dRnB4gHYXdoYm"],
    ["a werkzeug pbkdf2 hash", "pbkdf2:sha256:600000$salt$0123456789abcdef"],
  ])("returns false, never throws, for a malformed hash: %s", (_case, malformed) => {
    expect(() => verifyPassword(malformed, "correct horse battery")).not.toThrow();
    expect(verifyPassword(malformed, "correct horse battery")).toBe(false);
  });
});

describe("needsRehash", () => {
  it("is false for a hash made with today's parameters", () => {
    expect(needsRehash(hashPassword("x"))).toBe(false);
  });

  it.each([
    ["less memory", "$argon2id$v=19$m=8192,t=3,p=1$c2FsdHNhbHRzYWx0c2FsdA$AAAA"],
    ["more iterations", "$argon2id$v=19$m=19456,t=3,p=1$c2FsdHNhbHRzYWx0c2FsdA$AAAA"],
    ["more lanes", "$argon2id$v=19$m=19456,t=2,p=2$c2FsdHNhbHRzYWx0c2FsdA$AAAA"],
    ["more memory (the prefix must match exactly)", "$argon2id$v=19$m=194560,t=2,p=1$c2FsdHNhbHRzYWx0c2FsdA$AAAA"],
    ["an older argon2 version", "$argon2id$v=16$m=19456,t=2,p=1$c2FsdHNhbHRzYWx0c2FsdA$AAAA"],
    ["argon2i", "$argon2i$v=19$m=19456,t=2,p=1$c2FsdHNhbHRzYWx0c2FsdA$AAAA"],
    ["something else entirely", "pbkdf2:sha256:600000$salt$0123"],
  ])("is true for %s", (_case, hash) => {
    expect(needsRehash(hash)).toBe(true);
  });
});

describe("verifyDummyPassword (the unknown-email path)", () => {
  it("always says no, whatever the password", () => {
    for (const password of ["", "password", "correct horse battery", "x".repeat(128)]) {
      expect(verifyDummyPassword(password)).toBe(false);
    }
  });
});

describe("the unknown-email path costs as much as a real verification", () => {
  it("verifyDummyPassword takes about as long as verifyPassword on a real hash", () => {
    const hash = hashPassword("correct horse battery");
    const time = (run: () => void) => {
      const start = performance.now();
      run();
      return performance.now() - start;
    };
    // Interleaved, and medians compared: one sample slowed by other load on the machine moves nothing.
    const real: number[] = [];
    const dummy: number[] = [];
    for (let i = 0; i < 7; i++) {
      real.push(time(() => verifyPassword(hash, "wrong password")));
      dummy.push(time(() => verifyDummyPassword("wrong password")));
    }
    const [realMs, dummyMs] = [median(real), median(dummy)];
    // A real argon2id verification at m=19456,t=2 takes milliseconds, even on a fast machine.
    expect(realMs).toBeGreaterThan(2);
    expect(dummyMs).toBeGreaterThan(realMs * 0.5);
    expect(dummyMs).toBeLessThan(realMs * 3);
  });
});
