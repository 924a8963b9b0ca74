// The Flask site's password hashes, as werkzeug's generate_password_hash wrote them, verified the way
// its check_password_hash does: `method$salt$hexdigest`, the salt used as its own UTF-8 text (never
// decoded), the password's UTF-8 bytes, the lowercase hex digest compared in constant time.
// Imported users keep these until their first login replaces them with argon2id.
import { hmac } from "@noble/hashes/hmac.js";
import { md5, sha1 } from "@noble/hashes/legacy.js";
import { pbkdf2Async } from "@noble/hashes/pbkdf2.js";
import { scryptAsync } from "@noble/hashes/scrypt.js";
import { sha256, sha512 } from "@noble/hashes/sha2.js";
import { bytesToHex } from "@noble/hashes/utils.js";
import { secretsEqual } from "~/crypto/constant-time.server";

/**
 * Production workerd refuses WebCrypto (and node:crypto) PBKDF2 above this many iterations
 * (workerd's DEFAULT_MAX_PBKDF2_ITERATIONS); local workerd does not, so only a test guard shows it.
 */
export const WEBCRYPTO_PBKDF2_MAX_ITERATIONS = 100_000;

/**
 * scrypt's bounds: workerd caps N·r·p at 2^20 (the work), and 128·N·r bytes of memory must stay well
 * inside a Worker's 128 MB (2^19 is 64 MiB; werkzeug's default N=32768, r=8 takes 32 MiB).
 */
const SCRYPT_MAX_NRP = 2 ** 20;
const SCRYPT_MAX_NR = 2 ** 19;

const DIGESTS = {
  sha1: { noble: sha1, webCrypto: "SHA-1", bits: 160 },
  sha256: { noble: sha256, webCrypto: "SHA-256", bits: 256 },
  sha512: { noble: sha512, webCrypto: "SHA-512", bits: 512 },
} as const;
const HMAC_DIGESTS = { sha1, sha256, md5 } as const;

type Pbkdf2Digest = keyof typeof DIGESTS;
type HmacDigest = keyof typeof HMAC_DIGESTS;

export type WerkzeugHash =
  | { kind: "pbkdf2"; digest: Pbkdf2Digest; iterations: number; salt: string; hex: string }
  | { kind: "scrypt"; n: number; r: number; p: number; salt: string; hex: string }
  | { kind: "hmac"; digest: HmacDigest; salt: string; hex: string };

const POSITIVE_INTEGER = /^[1-9][0-9]{0,9}$/;
const HEX_DIGEST = /^[0-9a-f]+$/;

function positive(text: string | undefined): number | null {
  return text !== undefined && POSITIVE_INTEGER.test(text) ? Number(text) : null;
}

function isOneOf<K extends string>(table: Record<K, unknown>, name: string | undefined): name is K {
  return name !== undefined && Object.hasOwn(table, name);
}

/**
 * Reads a werkzeug hash in one of the forms its generate_password_hash has written (method with
 * every parameter spelled out, a salt, a lowercase hex digest of the right length); null for
 * anything else. Never throws.
 */
export function parseWerkzeugHash(stored: string): WerkzeugHash | null {
  // As werkzeug splits: the salt holds no `$`; a `$` in the digest makes it not hex, so no match.
  const first = stored.indexOf("$");
  const second = stored.indexOf("$", first + 1);
  if (first < 0 || second < 0) return null;
  const method = stored.slice(0, first).split(":");
  const salt = stored.slice(first + 1, second);
  const hex = stored.slice(second + 1);
  if (!HEX_DIGEST.test(hex)) return null;
  const [name, ...args] = method;

  if (name === "pbkdf2" && args.length === 2) {
    const [digest, count] = args;
    const iterations = positive(count);
    if (!isOneOf(DIGESTS, digest) || iterations === null || !salt) return null;
    if (hex.length !== DIGESTS[digest].bits / 4) return null;
    return { kind: "pbkdf2", digest, iterations, salt, hex };
  }
  if (name === "scrypt" && args.length === 3) {
    const [n, r, p] = args.map(positive);
    if (!n || !r || !p || n < 2 || (n & (n - 1)) !== 0 || n * r * p > SCRYPT_MAX_NRP || n * r > SCRYPT_MAX_NR)
      return null;
    if (hex.length !== 128) return null; // werkzeug's scrypt: hashlib's 64-byte key.
    return { kind: "scrypt", n, r, p, salt, hex };
  }
  // Werkzeug ≤ 2.2 with method "sha1" etc.: HMAC keyed with the salt (an unsalted one is a bare
  // digest, which generate_password_hash never wrote; it is not accepted).
  if (args.length === 0 && isOneOf(HMAC_DIGESTS, name) && salt) {
    if (hex.length !== HMAC_DIGESTS[name].outputLen * 2) return null;
    return { kind: "hmac", digest: name, salt, hex };
  }
  return null;
}

/** A short name for the format, without salt or digest: `pbkdf2:sha256:260000`, `scrypt:32768:8:1`, `sha1`. */
export function werkzeugFormat(hash: WerkzeugHash): string {
  switch (hash.kind) {
    case "pbkdf2":
      return `pbkdf2:${hash.digest}:${hash.iterations}`;
    case "scrypt":
      return `scrypt:${hash.n}:${hash.r}:${hash.p}`;
    case "hmac":
      return hash.digest;
  }
}

const encoder = new TextEncoder();

async function pbkdf2Hex(
  digest: Pbkdf2Digest,
  password: Uint8Array<ArrayBuffer>,
  salt: Uint8Array<ArrayBuffer>,
  iterations: number,
) {
  const { noble, webCrypto, bits } = DIGESTS[digest];
  if (iterations > WEBCRYPTO_PBKDF2_MAX_ITERATIONS) {
    // Pure JS: about ten times slower than native, paid once per user (their first login).
    return bytesToHex(await pbkdf2Async(noble, password, salt, { c: iterations, dkLen: bits / 8 }));
  }
  const key = await crypto.subtle.importKey("raw", password, "PBKDF2", false, ["deriveBits"]);
  const derived = await crypto.subtle.deriveBits({ name: "PBKDF2", hash: webCrypto, salt, iterations }, key, bits);
  return bytesToHex(new Uint8Array(derived));
}

async function digestHex(hash: WerkzeugHash, password: Uint8Array<ArrayBuffer>): Promise<string> {
  const salt = encoder.encode(hash.salt);
  switch (hash.kind) {
    case "pbkdf2":
      return pbkdf2Hex(hash.digest, password, salt, hash.iterations);
    case "scrypt":
      // 128·N·r bytes (32 MiB for werkzeug's N=32768, r=8), freed when the login ends.
      return bytesToHex(await scryptAsync(password, salt, { N: hash.n, r: hash.r, p: hash.p, dkLen: 64 }));
    case "hmac":
      return bytesToHex(hmac(HMAC_DIGESTS[hash.digest], salt, password));
  }
}

/** True when `password` is the one behind a werkzeug hash (any form parseWerkzeugHash reads). Never throws. */
export async function verifyWerkzeugHash(stored: string, password: string): Promise<boolean> {
  const hash = parseWerkzeugHash(stored);
  if (!hash) return false;
  try {
    return secretsEqual(await digestHex(hash, encoder.encode(password)), hash.hex);
  } catch {
    return false;
  }
}
