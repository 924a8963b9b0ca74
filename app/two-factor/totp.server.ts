// Time-based one-time passwords (RFC 6238 over RFC 4226's HOTP) on Web Crypto's HMAC-SHA1, the
// algorithm every authenticator app supports: 6 digits, 30-second steps, one step of clock drift
// either side. Which steps were already used (no replay) is the database's business: see
// two-factor.server.ts.
import { secretsEqual } from "~/crypto/constant-time.server";
import { hmac } from "~/crypto/digest.server";

const TOTP_DIGITS = 6;
const TOTP_PERIOD_SECONDS = 30;
/** Steps accepted either side of the current one: a phone clock up to 30 s off still works. */
const DRIFT_STEPS = 1;
/** 160 bits: RFC 4226 section 4 asks for at least 128 and recommends 160 (SHA-1's block output). */
const SECRET_BYTES = 20;

const BASE32_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

/** RFC 4648 base32 without padding: what otpauth:// URIs and people typing a secret use. */
export function toBase32(bytes: Uint8Array): string {
  let bits = 0;
  let value = 0;
  let out = "";
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += BASE32_ALPHABET[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
    value &= (1 << bits) - 1;
  }
  if (bits > 0) out += BASE32_ALPHABET[(value << (5 - bits)) & 31];
  return out;
}

/** The bytes of a base32 string (case, spaces and padding ignored), or null when it is not base32. */
export function fromBase32(text: string): Uint8Array<ArrayBuffer> | null {
  const clean = text.replace(/[\s=]/g, "").toUpperCase();
  const out: number[] = [];
  let bits = 0;
  let value = 0;
  for (const char of clean) {
    const index = BASE32_ALPHABET.indexOf(char);
    if (index < 0) return null;
    value = (value << 5) | index;
    bits += 5;
    if (bits >= 8) {
      out.push((value >>> (bits - 8)) & 255);
      bits -= 8;
    }
    value &= (1 << bits) - 1;
  }
  return Uint8Array.from(out);
}

/** A new random secret, base32 (32 characters for 160 bits). */
export function newTotpSecret(): string {
  return toBase32(crypto.getRandomValues(new Uint8Array(SECRET_BYTES)));
}

/** The 30-second step a moment falls in (RFC 6238's T, with T0 = 0). */
export function totpStep(now: Date): number {
  return Math.floor(now.getTime() / 1000 / TOTP_PERIOD_SECONDS);
}

type Hash = "SHA-1" | "SHA-256" | "SHA-512";

/**
 * The code for one step (RFC 4226 section 5.3: HMAC of the 8-byte big-endian counter, dynamic
 * truncation, modulo 10^digits). `hash` and `digits` are parameters only so the RFC 6238 test
 * vectors (which also cover SHA-256, SHA-512 and 8 digits) can check this code; the app uses SHA-1 and 6.
 */
export async function totpCode(
  key: Uint8Array<ArrayBuffer>,
  step: number,
  { hash = "SHA-1", digits = TOTP_DIGITS }: { hash?: Hash; digits?: number } = {},
): Promise<string> {
  const counter = new DataView(new ArrayBuffer(8));
  // Steps outgrow 32 bits only after the year 6053 (with 30 s steps); split anyway, as the RFC does.
  counter.setUint32(0, Math.floor(step / 2 ** 32));
  counter.setUint32(4, step >>> 0);
  const mac = await hmac(hash, key, new Uint8Array(counter.buffer));
  const offset = (mac[mac.length - 1] ?? 0) & 0x0f;
  const binary =
    (((mac[offset] ?? 0) & 0x7f) << 24) |
    ((mac[offset + 1] ?? 0) << 16) |
    ((mac[offset + 2] ?? 0) << 8) |
    (mac[offset + 3] ?? 0);
  return String(binary % 10 ** digits).padStart(digits, "0");
}

/** Just the digits of what someone typed ("123 456" and "123-456" are "123456"), or null when it can't be a code. */
export function normaliseTotpCode(typed: string): string | null {
  const digits = typed.replace(/[\s-]/g, "");
  return new RegExp(`^\\d{${TOTP_DIGITS}}$`).test(digits) ? digits : null;
}

/**
 * The step `code` belongs to, when it is the code of the current step or one either side and that
 * step is later than `lastUsedStep` (an accepted step never works again); otherwise null. Every
 * candidate is computed and compared in constant time, so timing says nothing about which matched.
 */
export async function matchingStep(
  base32Secret: string,
  code: string,
  now: Date,
  lastUsedStep: number | null,
): Promise<number | null> {
  const key = fromBase32(base32Secret);
  if (!key) return null;
  const current = totpStep(now);
  let matched: number | null = null;
  for (let step = current - DRIFT_STEPS; step <= current + DRIFT_STEPS; step++) {
    const expected = await totpCode(key, step);
    if (secretsEqual(expected, code) && (lastUsedStep === null || step > lastUsedStep)) matched = step;
  }
  return matched;
}

/**
 * The `otpauth://totp/` URI authenticator apps read from the QR code (Google Authenticator's "Key
 * Uri Format"): issuer and account in the label and the issuer parameter, the secret in base32,
 * and the algorithm, digits and period spelt out although they are the defaults.
 */
export function otpauthUri(issuer: string, account: string, base32Secret: string): string {
  const label = `${encodeURIComponent(issuer)}:${encodeURIComponent(account)}`;
  const params = new URLSearchParams({
    secret: base32Secret,
    issuer,
    algorithm: "SHA1",
    digits: String(TOTP_DIGITS),
    period: String(TOTP_PERIOD_SECONDS),
  });
  // URLSearchParams writes a space as "+", which some apps show literally; %20 is read by all.
  return `otpauth://totp/${label}?${params.toString().replaceAll("+", "%20")}`;
}
