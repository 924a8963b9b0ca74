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
import { secretsEqual } from "~/auth/crypto.server";
import { type Pbkdf2Digest, parseWerkzeugHash, type WerkzeugHash } from "~/passwords/werkzeug-hash.server";

/**
 * Production workerd refuses WebCrypto (and node:crypto) PBKDF2 above this many iterations
 * (workerd's DEFAULT_MAX_PBKDF2_ITERATIONS); local workerd does not, so only a test guard shows it.
 */
export const WEBCRYPTO_PBKDF2_MAX_ITERATIONS = 100_000;

const DIGESTS = {
  sha1: { noble: sha1, webCrypto: "SHA-1", bits: 160 },
  sha256: { noble: sha256, webCrypto: "SHA-256", bits: 256 },
  sha512: { noble: sha512, webCrypto: "SHA-512", bits: 512 },
} as const;
const HMAC_DIGESTS = { sha1, sha256, md5 } as const;

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
