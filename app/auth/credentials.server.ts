// The ONE way an account's credentials change: a password set (account page, reset link, the
// operator commands `user:password` and `users:legacy --expire-older-than`), two-step verification
// turned on or off. Whatever the caller, one D1 batch (one transaction) sets the new values and
// bumps `users.credential_generation`, which:
//  - signs out every session opened before (getUser joins on the generation), and a login that checked
//    the old credentials while this ran opens nothing and writes nothing (completeSignIn is conditional
//    on the generation it read);
// and in the same batch every session of the account goes (but an optional kept one, renamed to a new
// id with the new generation and confirmed now), every reset link and pending two-step sign-in goes,
// and the account's throttle buckets are cleared. The notice email is the caller's (it names what changed).
import type { AppLoadContext } from "@remix-run/cloudflare";
import {
  type CredentialChange,
  credentialChangeStatements,
  type NewCredentials,
} from "~/auth/credential-change.server";
import { getDb } from "~/database/db.server";
import { sendSecurityNotice } from "~/email/notices.server";
import { hashPassword } from "~/passwords/password.server";

// The change's parts live in credential-change.server.ts (Node bundles it for the operator commands).
export type { CredentialChange, NewCredentials };

/** Runs the change; false when the account no longer exists or (`ifGeneration`) has changed since (then nothing changed). */
async function changeCredentials(context: AppLoadContext, change: CredentialChange): Promise<boolean> {
  const db = getDb(context);
  const statements = await credentialChangeStatements(db, change, new Date());
  const [first, ...rest] = statements;
  const results = await db.batch([first, ...rest]);
  const updated = results[results.length - 1] as { generation: number }[];
  return updated.length > 0;
}

/**
 * Sets a new password (hashed here) through changeCredentials, then schedules "Your password was
 * changed" to the account's address, naming the device and place of `request`. False when the
 * account no longer exists or (`ifGeneration`) another change came first.
 */
export async function setPassword(
  request: Request,
  context: AppLoadContext,
  account: { userId: number; email: string; firstName: string },
  password: string,
  {
    keepSession,
    alsoSet,
    ifGeneration,
  }: Pick<CredentialChange, "keepSession" | "ifGeneration"> & { alsoSet?: NewCredentials } = {},
): Promise<boolean> {
  const changed = await changeCredentials(context, {
    userId: account.userId,
    email: account.email,
    set: { ...alsoSet, passwordHash: hashPassword(password) },
    ...(keepSession ? { keepSession } : {}),
    ...(ifGeneration === undefined ? {} : { ifGeneration }),
  });
  if (changed) sendSecurityNotice(request, context, account, "password_changed");
  return changed;
}
