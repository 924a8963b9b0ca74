// SPEC "Two-step verification": RFC 6238 codes (HMAC-SHA1, 6 digits, 30-second steps, one step
// either side, no replay of a used step), the otpauth:// URI, recovery codes of at least 80 bits typed
// with or without dashes, spaces or case, and the set-up QR code. ASVS 5.0 V6.5.x.
import { describe, expect, it } from "vitest";
import { drawQrCode } from "~/two-factor/qr-code.server";
import { newRecoveryCodes, normaliseRecoveryCode, recoveryCodeHash } from "~/two-factor/recovery-codes.server";
import {
  fromBase32,
  matchingStep,
  newTotpSecret,
  normaliseTotpCode,
  otpauthUri,
  toBase32,
  totpCode,
  totpStep,
} from "~/two-factor/totp.server";

const ascii = (text: string) => new TextEncoder().encode(text);

// RFC 6238 Appendix B: the seeds are ASCII "1234567890" repeated to the hash's length.
const SEEDS = {
  "SHA-1": ascii("12345678901234567890"),
  "SHA-256": ascii("12345678901234567890123456789012"),
  "SHA-512": ascii("1234567890123456789012345678901234567890123456789012345678901234"),
} as const;

const RFC_6238_VECTORS: [seconds: number, hash: keyof typeof SEEDS, code: string][] = [
  [59, "SHA-1", "94287082"],
  [59, "SHA-256", "46119246"],
  [59, "SHA-512", "90693936"],
  [1111111109, "SHA-1", "07081804"],
  [1111111109, "SHA-256", "68084774"],
  [1111111109, "SHA-512", "25091201"],
  [1111111111, "SHA-1", "14050471"],
  [1111111111, "SHA-256", "67062674"],
  [1111111111, "SHA-512", "99943326"],
  [1234567890, "SHA-1", "89005924"],
  [1234567890, "SHA-256", "91819424"],
  [1234567890, "SHA-512", "93441116"],
  [2000000000, "SHA-1", "69279037"],
  [2000000000, "SHA-256", "90698825"],
  [2000000000, "SHA-512", "38618901"],
  [20000000000, "SHA-1", "65353130"],
  [20000000000, "SHA-256", "77737706"],
  [20000000000, "SHA-512", "47863826"],
];

describe("totpCode: RFC 6238 Appendix B test vectors", () => {
  it.each(RFC_6238_VECTORS)("T = %i s with %s gives %s", async (seconds, hash, code) => {
    const step = totpStep(new Date(seconds * 1000));
    expect(await totpCode(SEEDS[hash], step, { hash, digits: 8 })).toBe(code);
  });

  it("the app's 6-digit code is the last six digits of the RFC's 8-digit SHA-1 one", async () => {
    expect(await totpCode(SEEDS["SHA-1"], totpStep(new Date(59_000)))).toBe("287082");
    expect(await totpCode(SEEDS["SHA-1"], totpStep(new Date(1111111109_000)))).toBe("081804");
  });
});

describe("base32 (RFC 4648 section 10 vectors, unpadded)", () => {
  it.each([
    ["", ""],
    ["f", "MY"],
    ["fo", "MZXQ"],
    ["foo", "MZXW6"],
    ["foob", "MZXW6YQ"],
    ["fooba", "MZXW6YTB"],
    ["foobar", "MZXW6YTBOI"],
  ])("%j ⇄ %s", (text, encoded) => {
    expect(toBase32(ascii(text))).toBe(encoded);
    expect(new TextDecoder().decode(fromBase32(encoded) ?? undefined)).toBe(text);
  });

  it("reads lowercase, spaced and padded input; refuses what is not base32", () => {
    expect(fromBase32("mzxw 6ytb oi======")).toEqual(ascii("foobar"));
    expect(fromBase32("MZXW1")).toBeNull();
  });
});

describe("matchingStep: the current step and one either side, never an accepted one again", () => {
  const secret = toBase32(SEEDS["SHA-1"]);
  const now = new Date(1111111111_000);
  const step = totpStep(now);
  const codeAt = (offset: number) => totpCode(SEEDS["SHA-1"], step + offset);

  it("accepts the current step and one step of drift either side, and says which step matched", async () => {
    expect(await matchingStep(secret, await codeAt(0), now, null)).toBe(step);
    expect(await matchingStep(secret, await codeAt(-1), now, null)).toBe(step - 1);
    expect(await matchingStep(secret, await codeAt(1), now, null)).toBe(step + 1);
  });

  it("refuses codes two steps away, and wrong codes", async () => {
    expect(await matchingStep(secret, await codeAt(-2), now, null)).toBeNull();
    expect(await matchingStep(secret, await codeAt(2), now, null)).toBeNull();
    const wrong = String((Number(await codeAt(0)) + 1) % 1_000_000).padStart(6, "0");
    expect(await matchingStep(secret, wrong, now, null)).toBeNull();
  });

  it("refuses the step already used and earlier ones (no replay), accepts a later one", async () => {
    expect(await matchingStep(secret, await codeAt(0), now, step)).toBeNull();
    expect(await matchingStep(secret, await codeAt(-1), now, step - 1)).toBeNull();
    expect(await matchingStep(secret, await codeAt(-1), now, step)).toBeNull();
    expect(await matchingStep(secret, await codeAt(1), now, step)).toBe(step + 1);
  });

  it("normalises what people type: spaces and dashes go, anything but six digits is no code", () => {
    expect(normaliseTotpCode(" 123 456 ")).toBe("123456");
    expect(normaliseTotpCode("123-456")).toBe("123456");
    expect(normaliseTotpCode("12345")).toBeNull();
    expect(normaliseTotpCode("1234567")).toBeNull();
    expect(normaliseTotpCode("12345a")).toBeNull();
  });
});

describe("new secrets and the otpauth:// URI", () => {
  it("a secret has 160 random bits, in base32, and differs each time", () => {
    const secret = newTotpSecret();
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    expect(fromBase32(secret)?.length).toBe(20);
    expect(newTotpSecret()).not.toBe(secret);
  });

  it("names the issuer and the account, and spells out SHA1, 6 digits, 30 s", () => {
    const uri = new URL(otpauthUri("Edge Auth", "ada+2fa@example.com", "JBSWY3DPEHPK3PXP"));
    expect(uri.protocol).toBe("otpauth:");
    expect(uri.host).toBe("totp");
    expect(decodeURIComponent(uri.pathname)).toBe("/Edge Auth:ada+2fa@example.com");
    expect(uri.toString()).not.toContain("+2fa"); // a "+" would be read as a space
    expect(Object.fromEntries(uri.searchParams)).toEqual({
      secret: "JBSWY3DPEHPK3PXP",
      issuer: "Edge Auth",
      algorithm: "SHA1",
      digits: "6",
      period: "30",
    });
    expect(uri.search).toContain("issuer=Edge%20Auth");
  });
});

describe("recovery codes", () => {
  it("ten different codes of 80 random bits (16 base32 characters), shown in groups of four", () => {
    const codes = newRecoveryCodes();
    expect(codes).toHaveLength(10);
    expect(new Set(codes).size).toBe(10);
    for (const code of codes) expect(code).toMatch(/^[a-z2-7]{4}-[a-z2-7]{4}-[a-z2-7]{4}-[a-z2-7]{4}$/);
  });

  it("typed with or without dashes, spaces or case, a code hashes the same", async () => {
    const [code = ""] = newRecoveryCodes();
    const hash = await recoveryCodeHash(code);
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
    expect(await recoveryCodeHash(code.replaceAll("-", "").toUpperCase())).toBe(hash);
    expect(await recoveryCodeHash(` ${code.replaceAll("-", " ")} `)).toBe(hash);
    expect(normaliseRecoveryCode("not a code")).toBeNull();
    expect(normaliseRecoveryCode("abcd-efgh-ijkl-mno1")).toBeNull();
  });
});

describe("the set-up QR code", () => {
  it("draws an otpauth URI as a square matrix with the 4-module quiet zone and the three finder patterns", () => {
    const { size, path } = drawQrCode(otpauthUri("Edge Auth", "someone@example.com", newTotpSecret()));
    // Versions 1 to 40 are 21 to 177 modules, plus 4 each side.
    expect((size - 8 - 17) % 4).toBe(0);
    expect(size).toBeGreaterThanOrEqual(21 + 8);
    // Each finder pattern's top edge is a run of 7 dark modules starting 4 in.
    expect(path).toContain("M4 4h7v1h-7z");
    expect(path).toContain(`M${size - 11} 4h7v1h-7z`);
    expect(path).toContain(`M4 ${size - 11}h7v1h-7z`);
    expect(path).toMatch(/^(M\d+ \d+h\d+v1h-\d+z)+$/);
  });
});
