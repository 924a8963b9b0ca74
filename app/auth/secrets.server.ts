// The Worker's secrets, read per request (Workers only have bindings per request). No Remix
// imports: the worker entry uses this too.

type SecretName = "SESSION_SECRET" | "TOTP_SECRET";

export class MissingSecretError extends Error {
  constructor(name: SecretName = "SESSION_SECRET") {
    super(`${name} is not set: run \`wrangler secret put ${name}\` (locally, \`npm start\` writes .dev.vars)`);
  }
}

/** A comma-separated list of secrets: the first is used for new values, all are tried on old ones. Never a built-in fallback. */
function secretList(env: Env, name: SecretName): string[] {
  const secrets = (env[name] ?? "")
    .split(",")
    .map((secret) => secret.trim())
    .filter(Boolean);
  if (secrets.length === 0) throw new MissingSecretError(name);
  return secrets;
}

/** The cookie-signing secrets: the first signs, all verify. */
export function sessionSecrets(env: Env): string[] {
  return secretList(env, "SESSION_SECRET");
}

/** The keys two-step secrets are sealed with at rest: the first seals, all open (rotation re-seals at next use). */
export function totpSecrets(env: Env): string[] {
  return secretList(env, "TOTP_SECRET");
}
