// Owns password hashing: argon2id PHC strings from our own wasm SIMD kernel (app/passwords/argon2/),
// because workerd can load wasm only when it is compiled at build time and cannot load native code,
// and the builds published on npm ran 3x slower than native (bench/results.md). The strings are the
// standard ones any argon2 library reads and writes, so hashes made elsewhere (e.g. by
// `npm run user:password`) verify here and the other way round.
import { config } from "~/config";
import { fromBase64, toBase64 } from "~/crypto/encoding.server";
import { randomBytes } from "~/crypto/random.server";
import { parseWerkzeugHash, verifyWerkzeugHash } from "~/passwords/werkzeug.server";
import { argon2id, argon2idMatches } from "./argon2/argon2.server";

const { argon2: params } = config;

const VERSION_13 = 0x13;
const VERSION_10 = 0x10;

/** A real hash of a random, forgotten password: unknown emails verify against it, so they cost the same time. */
const DUMMY_HASH = "$argon2id$v=19$m=19456,t=2,p=1$r4Mj7r0u/TZJ79cObVQjQQ$eFpCC9oa7cYr72LSijNMaC6WHXVHgOXsi1O27HlZX4Y";

const CURRENT_PARAMS = `$argon2id$v=${VERSION_13}$m=${params.memoryKiB},t=${params.iterations},p=${params.parallelism}$`;

// The reference library's format: an optional version (absent means 0x10), then m, t, p, salt and
// hash in unpadded standard base64.
const PHC = /^\$argon2id(?:\$v=(\d+))?\$m=(\d+),t=(\d+),p=(\d+)\$([A-Za-z0-9+/]+)\$([A-Za-z0-9+/]+)$/;

const encoder = new TextEncoder();

type Parsed = { version: number; m: number; t: number; p: number; salt: Uint8Array; tag: Uint8Array };

function parse(hash: string): Parsed | null {
  const match = PHC.exec(hash);
  if (!match) return null;
  const [, v, m, t, p, salt, tag] = match;
  const parsed = {
    version: v === undefined ? VERSION_10 : Number(v),
    m: Number(m),
    t: Number(t),
    p: Number(p),
    salt: fromBase64(salt ?? ""),
    tag: fromBase64(tag ?? ""),
  };
  // RFC 9106's limits (the kernel checks them again), m held to 32 bits.
  const valid =
    (parsed.version === VERSION_13 || parsed.version === VERSION_10) &&
    parsed.t >= 1 &&
    parsed.t <= 0xffffffff &&
    parsed.p >= 1 &&
    parsed.p <= 0xffffff &&
    parsed.m >= 8 * parsed.p &&
    parsed.m <= 0xffffffff &&
    parsed.salt !== null &&
    parsed.salt.length >= 8 &&
    parsed.tag !== null &&
    parsed.tag.length >= 4;
  return valid ? (parsed as Parsed) : null;
}

/** A PHC string: `$argon2id$v=19$m=19456,t=2,p=1$<salt>$<hash>`. */
export function hashPassword(password: string): string {
  const bytes = encoder.encode(password);
  const salt = randomBytes(params.saltBytes);
  const { iterations: t, memoryKiB: m, parallelism: p, hashBytes } = params;
  try {
    const tag = argon2id({ password: bytes, salt, t, m, p, version: VERSION_13 }, hashBytes);
    return `${CURRENT_PARAMS}${toBase64(salt)}$${toBase64(tag)}`;
  } finally {
    bytes.fill(0);
  }
}

/** Checks a password against any argon2id PHC string, whatever its parameters. Never throws. */
export function verifyPassword(hash: string, password: string): boolean {
  const parsed = parse(hash);
  if (!parsed) return false;
  const bytes = encoder.encode(password);
  try {
    const { tag, ...cost } = parsed;
    return argon2idMatches({ password: bytes, ...cost }, tag);
  } catch {
    return false;
  } finally {
    bytes.fill(0);
  }
}

/** Spends the same work as a real verification, for an account that does not exist. */
export function verifyDummyPassword(password: string): false {
  verifyPassword(DUMMY_HASH, password);
  return false;
}

/** True when a stored hash was made with other parameters than today's, so it should be upgraded. */
export function needsRehash(hash: string): boolean {
  return !hash.startsWith(CURRENT_PARAMS);
}

/**
 * Login's check of whatever a row holds: argon2id; a werkzeug hash imported from the Flask site
 * (`upgrade`: the caller replaces it with argon2id in the write that records the login); anything
 * else (the unusable marker) costs a dummy verification and fails, so its timing says nothing.
 */
export async function verifyStoredPassword(
  stored: string,
  password: string,
): Promise<{ valid: boolean; upgrade: boolean }> {
  if (stored.startsWith("$argon2")) {
    const valid = verifyPassword(stored, password);
    return { valid, upgrade: valid && needsRehash(stored) };
  }
  if (parseWerkzeugHash(stored)) {
    const valid = await verifyWerkzeugHash(stored, password);
    return { valid, upgrade: valid };
  }
  return { valid: verifyDummyPassword(password), upgrade: false };
}
