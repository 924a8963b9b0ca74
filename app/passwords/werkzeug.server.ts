// The Flask site's password hashes, as werkzeug's generate_password_hash wrote them, verified the way
// its check_password_hash does: `method$salt$hexdigest`, the salt used as its own UTF-8 text (never
// decoded), the password's UTF-8 bytes, the lowercase hex digest compared in constant time.
// Imported users keep these until their first login replaces them with argon2id. Login imports this
// module (and its wasm kernel) only for such a row, so other requests never evaluate it.
import { secretsEqual } from "~/crypto/constant-time.server";
import { toHex } from "~/crypto/encoding.server";
import { DIGEST_BYTES, hmac, pbkdf2, scrypt } from "~/passwords/werkzeug/werkzeug-kernel.server";
import { type Pbkdf2Digest, parseWerkzeugHash, type WerkzeugHash } from "~/passwords/werkzeug-hash.server";

/**
 * Production workerd refuses WebCrypto (and node:crypto) PBKDF2 above this many iterations
 * (workerd's DEFAULT_MAX_PBKDF2_ITERATIONS); local workerd does not, so only a test guard shows it.
 */
const WEBCRYPTO_PBKDF2_MAX_ITERATIONS = 100_000;

const WEBCRYPTO_NAMES: Record<Pbkdf2Digest, string> = { sha1: "SHA-1", sha256: "SHA-256", sha512: "SHA-512" };

const encoder = new TextEncoder();

/**
 * WebCrypto (native, with the CPU's SHA instructions) where production allows it; above that our
 * wasm kernel, within 1.3-3x of OpenSSL (bench/results.md), paid once per user at their first login.
 */
async function pbkdf2Bytes(
  digest: Pbkdf2Digest,
  password: Uint8Array<ArrayBuffer>,
  salt: Uint8Array<ArrayBuffer>,
  iterations: number,
) {
  const bytes = DIGEST_BYTES[digest];
  if (iterations > WEBCRYPTO_PBKDF2_MAX_ITERATIONS) return pbkdf2(digest, password, salt, iterations, bytes);
  const key = await crypto.subtle.importKey("raw", password, "PBKDF2", false, ["deriveBits"]);
  const params = { name: "PBKDF2", hash: WEBCRYPTO_NAMES[digest], salt, iterations };
  return new Uint8Array(await crypto.subtle.deriveBits(params, key, bytes * 8));
}

async function digestBytes(hash: WerkzeugHash, password: Uint8Array<ArrayBuffer>): Promise<Uint8Array> {
  const salt = encoder.encode(hash.salt);
  switch (hash.kind) {
    case "pbkdf2":
      return pbkdf2Bytes(hash.digest, password, salt, hash.iterations);
    case "scrypt":
      // hashlib's 64-byte key; 128·N·r bytes of wasm memory (32 MiB for werkzeug's N=32768, r=8),
      // let go once the verification is done.
      return scrypt(password, salt, hash, 64);
    case "hmac":
      return hmac(hash.digest, salt, password);
  }
}

/** True when `password` is the one behind a werkzeug hash (any form parseWerkzeugHash reads). Never throws. */
export async function verifyWerkzeugHash(stored: string, password: string): Promise<boolean> {
  const hash = parseWerkzeugHash(stored);
  if (!hash) return false;
  const bytes = encoder.encode(password);
  try {
    return secretsEqual(toHex(await digestBytes(hash, bytes)), hash.hex);
  } catch {
    return false;
  } finally {
    bytes.fill(0);
  }
}
