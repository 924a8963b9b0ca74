// app/crypto/digest.server.ts, checked against node:crypto and published test vectors.
import { createHash, createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { hmac, sha256Hex } from "~/crypto/digest.server";
import { toHex } from "~/crypto/encoding.server";

describe("sha256Hex", () => {
  it("is the SHA-256 of the UTF-8 bytes, lowercase hex (FIPS 180-2 'abc' vector)", async () => {
    expect(await sha256Hex("abc")).toBe("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  });

  it.each(["", "user@example.com", "ünïcödé ✓"])("matches node:crypto for %j", async (text) => {
    expect(await sha256Hex(text)).toBe(createHash("sha256").update(text, "utf8").digest("hex"));
  });
});

describe("hmac", () => {
  it("HMAC-SHA-256 matches RFC 4231 test case 2", async () => {
    const mac = await hmac("SHA-256", "Jefe", "what do ya want for nothing?");
    expect(toHex(mac)).toBe("5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  });

  it.each(["SHA-1", "SHA-256", "SHA-512"] as const)("%s over bytes matches node:crypto", async (hash) => {
    const key = Uint8Array.from({ length: 20 }, (_, i) => i + 1);
    const message = Uint8Array.of(0, 0, 0, 0, 0, 0, 0, 1);
    const expected = createHmac(hash.replace("-", "").toLowerCase(), key).update(message).digest("hex");
    expect(toHex(await hmac(hash, key, message))).toBe(expected);
  });
});
