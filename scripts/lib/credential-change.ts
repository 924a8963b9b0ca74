// The worker's credential change (app/auth/credential-change.server.ts) for the operator commands:
// the very statements the worker batches, rendered to SQL text for `wrangler d1 execute`, so that
// `user:password` and `users:legacy --expire-older-than` do exactly what a password set in the app
// does (new hash, a new credential generation, every session and reset link void, failure counts
// cleared). Only the notice email is not sent: the EMAIL binding exists only inside the worker.
import { type CredentialChange, credentialChangeStatements } from "~/auth/credential-change.server";
import { sqlText, statementBuilder } from "./statements";

/** The change's statements as SQL, in the worker's order; the last returns the new generation (no row: nothing changed). */
export async function credentialChangeSql(change: CredentialChange, now = new Date()): Promise<string[]> {
  const statements = await credentialChangeStatements(statementBuilder(), change, now);
  return statements.map(sqlText);
}
