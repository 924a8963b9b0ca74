// The werkzeug hashes' wasm kernel (app/passwords/werkzeug/, here in workerd): the known answers of
// FIPS 180-4, RFC 1321, RFC 2202, RFC 4231, RFC 6070 and RFC 7914, random cross-checks against
// workerd's WebCrypto (BoringSSL) around every block edge, and the memory a scrypt grew given back.
// The real werkzeug's hashes verifying through it: tests/unit/werkzeug-hashes.test.ts.
import { describe, expect, it } from "vitest";
import { digest, hmac, pbkdf2, scrypt } from "~/passwords/werkzeug/werkzeug-kernel.server";

const hex = (bytes: Uint8Array) => Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
const text = (value: string) => new TextEncoder().encode(value);
const random = (length: number) => crypto.getRandomValues(new Uint8Array(length));

const WEBCRYPTO = { sha1: "SHA-1", sha256: "SHA-256", sha512: "SHA-512" } as const;
const DIGESTS = Object.keys(WEBCRYPTO) as (keyof typeof WEBCRYPTO)[];

describe("known answers", () => {
  it('the digests of "abc" (FIPS 180-4 examples, RFC 1321 appendix A.5)', () => {
    expect(hex(digest("sha1", text("abc")))).toBe("a9993e364706816aba3e25717850c26c9cd0d89d");
    expect(hex(digest("sha256", text("abc")))).toBe("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    expect(hex(digest("sha512", text("abc")))).toBe(
      "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f",
    );
    expect(hex(digest("md5", text("abc")))).toBe("900150983cd24fb0d6963f7d28e17f72");
  });

  it('HMAC test case 2 ("Jefe") of RFC 2202 (MD5, SHA-1) and RFC 4231 (SHA-256, SHA-512)', () => {
    const [key, data] = [text("Jefe"), text("what do ya want for nothing?")];
    expect(hex(hmac("md5", key, data))).toBe("750c783e6ab0b503eaa86e310a5db738");
    expect(hex(hmac("sha1", key, data))).toBe("effcdf6ae5eb2fa2d27416d5f184df9c259a7c79");
    expect(hex(hmac("sha256", key, data))).toBe("5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
    expect(hex(hmac("sha512", key, data))).toBe(
      "164b7a7bfcf819e2e395fbe73b56e0a387bd64222e831fd610270cd7ea2505549758bf75c05a994a6d034f65f8f0e6fdcaeab1a34d4a6b4b636e070a38bce737",
    );
  });

  it("PBKDF2: RFC 6070 (HMAC-SHA1, 1 and 4096 iterations) and RFC 7914 section 11 (HMAC-SHA256, 64 bytes)", () => {
    expect(hex(pbkdf2("sha1", text("password"), text("salt"), 1, 20))).toBe("0c60c80f961f0e71f3a9b524af6012062fe037a6");
    expect(hex(pbkdf2("sha1", text("password"), text("salt"), 4096, 20))).toBe(
      "4b007901b765489abead49d926f721d065a429c1",
    );
    expect(hex(pbkdf2("sha256", text("passwd"), text("salt"), 1, 64))).toBe(
      "55ac046e56e3089fec1691c22544b605f94185216dde0465e68b9d57c20dacbc49ca9cccf179b645991664b39d77ef317c71b845b1e30bd509112041d3a19783",
    );
  });

  it("scrypt: RFC 7914 section 12", () => {
    expect(hex(scrypt(text(""), text(""), { n: 16, r: 1, p: 1 }, 64))).toBe(
      "77d6576238657b203b19ca42c18a0497f16b4844e3074ae8dfdffa3fede21442fcd0069ded0948f8326a753a0fc81f17e8d3e0fb2e0d3628cf35e20c38d18906",
    );
    expect(hex(scrypt(text("password"), text("NaCl"), { n: 1024, r: 8, p: 16 }, 64))).toBe(
      "fdbabe1c9d3472007856e7190d01e9fe7c6ad7cbc8237830e77376634b3731622eaf30d92e22a3886ff109279d9830dac727afb94a83ee6d8360cbdfa2cc0640",
    );
    expect(hex(scrypt(text("pleaseletmein"), text("SodiumChloride"), { n: 16384, r: 8, p: 1 }, 64))).toBe(
      "7023bdcb3afd7348461c06cd81fd38ebfda8fbba904f8e3ea9b543f6545da1f2d5432955613f0fcf62d49705242a9af9e61e85dc0d651e40dfcf017b45575887",
    );
  });
});

describe("random cross-checks against WebCrypto", () => {
  // Lengths either side of the 64- and 128-byte blocks and of where the length field must move to a new block.
  const LENGTHS = [0, 1, 55, 56, 63, 64, 65, 111, 112, 119, 120, 127, 128, 129, 200, 1000];

  it("digests and HMACs (keys shorter and longer than a block) of every length near a block edge", async () => {
    for (const name of DIGESTS) {
      for (const length of LENGTHS) {
        const data = random(length);
        const expected = new Uint8Array(await crypto.subtle.digest(WEBCRYPTO[name], data));
        expect(hex(digest(name, data)), `${name} ${length}`).toBe(hex(expected));
        for (const keyLength of [1, 20, 64, 65, 128, 129, 300]) {
          const key = random(keyLength);
          const imported = await crypto.subtle.importKey("raw", key, { name: "HMAC", hash: WEBCRYPTO[name] }, false, [
            "sign",
          ]);
          const mac = new Uint8Array(await crypto.subtle.sign("HMAC", imported, data));
          expect(hex(hmac(name, key, data)), `${name} key ${keyLength} data ${length}`).toBe(hex(mac));
        }
      }
    }
  });

  it("PBKDF2 with each digest, up to production's WebCrypto cap, keys of one block, several and part of one", async () => {
    for (const name of DIGESTS) {
      for (const [iterations, bytes] of [
        [1, 20],
        [2, 64],
        [1000, 100],
        [100_000, 64],
      ] as const) {
        const [password, salt] = [random(1 + (iterations % 40)), random(16)];
        const key = await crypto.subtle.importKey("raw", password, "PBKDF2", false, ["deriveBits"]);
        const params = { name: "PBKDF2", hash: WEBCRYPTO[name], salt, iterations };
        const expected = new Uint8Array(await crypto.subtle.deriveBits(params, key, bytes * 8));
        expect(hex(pbkdf2(name, password, salt, iterations, bytes)), `${name} ${iterations}`).toBe(hex(expected));
      }
    }
  });
});
