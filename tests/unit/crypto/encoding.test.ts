// app/crypto/encoding.server.ts, checked against Node's Buffer (an independent implementation).
import { Buffer } from "node:buffer";
import { describe, expect, it } from "vitest";
import { fromBase64, fromBase64url, toBase64, toBase64url, toHex } from "~/crypto/encoding.server";

const samples = [
  new Uint8Array(0),
  Uint8Array.of(0),
  Uint8Array.of(0xff, 0xfe),
  Uint8Array.of(0xfb, 0xff, 0xbf),
  Uint8Array.from({ length: 257 }, (_, i) => (i * 37) & 0xff),
];

describe("base64url", () => {
  it.each(samples.map((bytes) => [bytes.length, bytes]))(
    "round-trips %i bytes, unpadded, as Buffer writes it",
    (_n, bytes) => {
      const text = toBase64url(bytes);
      expect(text).toBe(Buffer.from(bytes).toString("base64url"));
      expect(text).not.toMatch(/[=+/]/);
      expect(fromBase64url(text)).toEqual(bytes);
    },
  );

  it.each(["a+b", "a/b", "ab==", "a b", "é", "%%%"])(
    "reads %j as no base64url at all (null, never a throw)",
    (text) => {
      expect(fromBase64url(text)).toBeNull();
    },
  );

  it("reads an impossible length as null", () => {
    expect(fromBase64url("a")).toBeNull();
  });

  it("refuses a non-canonical string (unused trailing bits set): a value has one spelling", () => {
    expect(fromBase64url("AA")).toEqual(Uint8Array.of(0));
    expect(fromBase64url("AB")).toBeNull();
    expect(fromBase64url("_-8")).toEqual(Uint8Array.of(0xff, 0xef));
    expect(fromBase64url("_-9")).toBeNull();
  });
});

describe("base64 (PHC strings)", () => {
  it.each(samples.map((bytes) => [bytes.length, bytes]))("round-trips %i bytes without padding", (_n, bytes) => {
    const text = toBase64(bytes);
    expect(text).toBe(Buffer.from(bytes).toString("base64").replace(/=+$/, ""));
    expect(fromBase64(text)).toEqual(bytes);
  });

  it("refuses a non-canonical string (unused trailing bits set), as the argon2 reference library does", () => {
    expect(fromBase64("AA")).toEqual(Uint8Array.of(0));
    expect(fromBase64("AB")).toBeNull();
  });

  it.each(["a-b", "a_b", "AA==", "A A"])("reads %j as null", (text) => {
    expect(fromBase64(text)).toBeNull();
  });
});

describe("hex", () => {
  it("is lowercase, two digits a byte", () => {
    expect(toHex(Uint8Array.of(0, 1, 0xab, 0xff))).toBe("0001abff");
    expect(toHex(samples[4] ?? new Uint8Array(0))).toBe(Buffer.from(samples[4] ?? []).toString("hex"));
  });
});
