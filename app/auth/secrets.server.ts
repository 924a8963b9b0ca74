// SESSION_SECRET, read per request (Workers only have bindings per request). No Remix imports:
// the worker entry uses this too.

export class MissingSecretError extends Error {
  constructor() {
    super(
      "SESSION_SECRET is not set: run `wrangler secret put SESSION_SECRET` (locally, `npm start` writes .dev.vars)",
    );
  }
}

/** The signing secrets, comma-separated: the first signs, all verify. Never a built-in fallback. */
export function sessionSecrets(env: Env): string[] {
  const secrets = (env.SESSION_SECRET ?? "")
    .split(",")
    .map((secret) => secret.trim())
    .filter(Boolean);
  if (secrets.length === 0) throw new MissingSecretError();
  return secrets;
}
