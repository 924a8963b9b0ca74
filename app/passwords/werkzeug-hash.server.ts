// The Flask site's password hashes as werkzeug's generate_password_hash wrote them, read as text:
// `method$salt$hexdigest`. Pure string work, shared by the worker (whose login imports the verifier,
// werkzeug.server.ts, only when a row holds such a hash) and the operator scripts (users:import).

export type Pbkdf2Digest = "sha1" | "sha256" | "sha512";
type HmacDigest = "sha1" | "sha256" | "md5";

export type WerkzeugHash =
  | { kind: "pbkdf2"; digest: Pbkdf2Digest; iterations: number; salt: string; hex: string }
  | { kind: "scrypt"; n: number; r: number; p: number; salt: string; hex: string }
  | { kind: "hmac"; digest: HmacDigest; salt: string; hex: string };

/** Digest sizes in hex characters: werkzeug's PBKDF2 key is one digest long. */
const PBKDF2_HEX = { sha1: 40, sha256: 64, sha512: 128 } as const;
const HMAC_HEX = { sha1: 40, sha256: 64, md5: 32 } as const;

/**
 * Costs no real hash of the Flask site comes near (werkzeug's defaults: 260,000 to 1,000,000 PBKDF2
 * iterations, scrypt N=32768 r=8 p=1, 32 MiB); a stored hash above them would hold a login for
 * seconds or exhaust a Worker's 128 MB, so it is refused at import and never run at login.
 */
export const WERKZEUG_COST_CEILINGS = {
  pbkdf2Iterations: 1_000_000,
  /** scrypt's memory: N·r blocks of 128 bytes for ROMix, p·r more for its input and output. */
  scryptBytes: 64 * 1024 * 1024,
  /** scrypt's work, N·r·p (four times werkzeug's default; the cap workerd's own scrypt has). */
  scryptWork: 2 ** 20,
} as const;

/** The bytes scrypt needs for these parameters: ROMix's table V, and B (p blocks of 128·r bytes). */
function scryptMemoryBytes(n: number, r: number, p: number): number {
  return 128 * r * (n + p);
}

const POSITIVE_INTEGER = /^[1-9][0-9]{0,9}$/;
const HEX_DIGEST = /^[0-9a-f]+$/;

function positive(text: string | undefined): number | null {
  return text !== undefined && POSITIVE_INTEGER.test(text) ? Number(text) : null;
}

function isOneOf<K extends string>(table: Record<K, unknown>, name: string | undefined): name is K {
  return name !== undefined && Object.hasOwn(table, name);
}

/** The form of a werkzeug hash, whatever its cost; null for anything werkzeug never wrote. */
function readWerkzeugHash(stored: string): WerkzeugHash | null {
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
    if (!isOneOf(PBKDF2_HEX, digest) || iterations === null || !salt) return null;
    if (hex.length !== PBKDF2_HEX[digest]) return null;
    return { kind: "pbkdf2", digest, iterations, salt, hex };
  }
  if (name === "scrypt" && args.length === 3) {
    const [n, r, p] = args.map(positive);
    if (!n || !r || !p || n < 2 || (n & (n - 1)) !== 0) return null;
    if (hex.length !== 128) return null; // werkzeug's scrypt: hashlib's 64-byte key.
    return { kind: "scrypt", n, r, p, salt, hex };
  }
  // Werkzeug ≤ 2.2 with method "sha1" etc.: HMAC keyed with the salt (an unsalted one is a bare
  // digest, which generate_password_hash never wrote; it is not accepted).
  if (args.length === 0 && isOneOf(HMAC_HEX, name) && salt) {
    if (hex.length !== HMAC_HEX[name]) return null;
    return { kind: "hmac", digest: name, salt, hex };
  }
  return null;
}

function withinCeilings(hash: WerkzeugHash): boolean {
  switch (hash.kind) {
    case "pbkdf2":
      return hash.iterations <= WERKZEUG_COST_CEILINGS.pbkdf2Iterations;
    case "scrypt":
      return (
        scryptMemoryBytes(hash.n, hash.r, hash.p) <= WERKZEUG_COST_CEILINGS.scryptBytes &&
        hash.n * hash.r * hash.p <= WERKZEUG_COST_CEILINGS.scryptWork
      );
    case "hmac":
      return true;
  }
}

/**
 * Reads a werkzeug hash in one of the forms its generate_password_hash has written (method with
 * every parameter spelled out, a salt, a lowercase hex digest of the right length) and within the
 * cost ceilings; null for anything else. Never throws.
 */
export function parseWerkzeugHash(stored: string): WerkzeugHash | null {
  const hash = readWerkzeugHash(stored);
  return hash && withinCeilings(hash) ? hash : null;
}

/** The format of a werkzeug hash whose cost is over the ceilings (`pbkdf2:sha256:9999999`), else null. */
export function werkzeugFormatOverCeilings(stored: string): string | null {
  const hash = readWerkzeugHash(stored);
  return hash && !withinCeilings(hash) ? werkzeugFormat(hash) : null;
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
