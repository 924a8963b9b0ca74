// What a users.password_hash can hold, by name: the current argon2id, a werkzeug hash imported from
// the Flask site (until its owner's first login), or the marker of a password that can't be used.
// Pure string work, shared by the worker and the operator scripts (users:import, users:legacy).
import { parseWerkzeugHash, werkzeugFormat, werkzeugFormatOverCeilings } from "~/passwords/werkzeug-hash.server";

/**
 * Stored instead of a hash when an account has no usable password: an imported hash of an unknown
 * form (--allow-unusable) or an old hash expired by `users:legacy`. `!` starts no hash any
 * algorithm writes, so it never verifies; its owner sets a password through "Forgot your password?".
 */
export const UNUSABLE_PASSWORD_HASH = "!no-usable-password";

/** `over-ceiling`: a werkzeug hash whose cost is beyond WERKZEUG_COST_CEILINGS, which nothing runs. */
export type StoredHashKind = "argon2id" | "werkzeug" | "over-ceiling" | "unusable" | "unknown";

function isUnusablePasswordHash(stored: string): boolean {
  return stored.startsWith("!");
}

/** The kind of a stored hash and, for a werkzeug one, its format (`pbkdf2:sha256:260000`); no secret part. */
export function describeStoredHash(stored: string): { kind: StoredHashKind; format: string } {
  if (stored.startsWith("$argon2id$")) return { kind: "argon2id", format: "argon2id" };
  if (isUnusablePasswordHash(stored)) return { kind: "unusable", format: "unusable" };
  const werkzeug = parseWerkzeugHash(stored);
  if (werkzeug) return { kind: "werkzeug", format: werkzeugFormat(werkzeug) };
  const overCeiling = werkzeugFormatOverCeilings(stored);
  return overCeiling ? { kind: "over-ceiling", format: overCeiling } : { kind: "unknown", format: "unknown" };
}
