// The one way the app writes to its log: one JSON line per event, with fields the caller names and
// nothing else. Errors are described by `describeError`, which never passes on what a query was
// given: Drizzle's error message quotes the failed SQL's bound values (a registering user's email,
// names and password hash; session and token hashes), so only the error's kind and the database's
// own reason are kept, and anything in them shaped like an address, a hash or a token is cut out.

type Field = string | number | boolean | null;

export function log(level: "info" | "error", event: string, fields: Record<string, Field> = {}): void {
  const line = JSON.stringify({ time: new Date().toISOString(), event, ...fields });
  if (level === "error") console.error(line);
  else console.log(line);
}

/** The database's own reason ("no such table: users"), without the statement or what it was given. */
const FAILED_QUERY = /^Failed query:/;

/**
 * "Name: reason" for any thrown value. A failed query keeps only its cause (D1's message, which names
 * tables and constraints, not values); every message is scrubbed of addresses, hashes and tokens.
 */
export function describeError(error: unknown): string {
  if (!(error instanceof Error)) return scrub(String(error)).slice(0, 200);
  if (FAILED_QUERY.test(error.message)) {
    const cause = error.cause instanceof Error ? describeError(error.cause) : "no cause given";
    return `query failed: ${cause}`;
  }
  return `${error.name}: ${scrub(error.message)}`.slice(0, 300);
}

const SECRET_SHAPES = [
  /[^\s@'"]+@[^\s@'"]+/g, // an email address
  /\$(?:argon2|pbkdf2|scrypt)[^\s'"]*/gi, // a password hash
  /\b(?:pbkdf2|scrypt|sha1|sha256|sha512|md5)[:$][^\s'"]*/gi, // a werkzeug hash
  /\b[0-9a-f]{32,}\b/gi, // a hex digest (session, token, key hashes)
  /[A-Za-z0-9_-]{32,}/g, // a random token, base64url
];

function scrub(text: string): string {
  return SECRET_SHAPES.reduce((clean, shape) => clean.replace(shape, "[redacted]"), text);
}
