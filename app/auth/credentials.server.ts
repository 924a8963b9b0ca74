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
import { and, eq, ne, sql } from "drizzle-orm";
import type { SQLiteUpdateSetSource } from "drizzle-orm/sqlite-core";
import { accountKeyFor, clearAccountChecks } from "~/auth/throttle.server";
import { dropTokens } from "~/auth/tokens.server";
import { type Db, getDb, schema } from "~/database/db.server";
import { sendSecurityNotice } from "~/email/notices.server";
import { hashPassword } from "~/passwords/password.server";

const { users, sessions } = schema;

/** What may change: credentials, and what a change proves (a reset link confirms the address). */
export type NewCredentials = Pick<
  SQLiteUpdateSetSource<typeof users>,
  "passwordHash" | "totpSecret" | "totpSetupSecret" | "totpLastStep" | "emailConfirmedAt"
>;

export type CredentialChange = {
  userId: number;
  /** The account's address: its throttle buckets are keyed by it. */
  email: string;
  set: NewCredentials;
  /** The session making the change stays signed in under a new id (the hash of a new token). */
  keepSession?: { id: string; newId: string };
};

/**
 * The change as unexecuted statements, in order, for one batch. The operator scripts render the same
 * statements to SQL (scripts/lib/credentials.ts), so no caller re-implements a part of it.
 * The first statement returns the account's new generation (no row: no such account).
 */
export async function credentialChangeStatements(db: Db, change: CredentialChange, now: Date) {
  const { userId, keepSession } = change;
  const ofUser = eq(sessions.userId, userId);
  return [
    db
      .update(users)
      .set({ ...change.set, credentialGeneration: sql`${users.credentialGeneration} + 1` })
      .where(eq(users.id, userId))
      .returning({ generation: users.credentialGeneration }),
    db.delete(sessions).where(keepSession ? and(ofUser, ne(sessions.id, keepSession.id)) : ofUser),
    ...(keepSession
      ? [
          db
            .update(sessions)
            .set({
              id: keepSession.newId,
              credentialGeneration: sql`(SELECT ${users.credentialGeneration} FROM ${users} WHERE ${users.id} = ${userId})`,
              confirmedAt: now,
            })
            .where(and(eq(sessions.id, keepSession.id), ofUser)),
        ]
      : []),
    // Bound to the old generation, they are void already; deleted too, so nothing dead lingers.
    dropTokens(db, userId, ["password_reset", "second_factor"]),
    clearAccountChecks(db, await accountKeyFor(change.email)),
  ] as const;
}

/** Runs the change; false when the account no longer exists (then nothing changed). */
export async function changeCredentials(context: AppLoadContext, change: CredentialChange): Promise<boolean> {
  const db = getDb(context);
  const [first, ...rest] = await credentialChangeStatements(db, change, new Date());
  const [updated] = await db.batch([first, ...rest]);
  return updated.length > 0;
}

/**
 * Sets a new password (hashed here) through changeCredentials, then schedules "Your password was
 * changed" to the account's address, naming the device and place of `request`. False when the
 * account no longer exists.
 */
export async function setPassword(
  request: Request,
  context: AppLoadContext,
  account: { userId: number; email: string; firstName: string },
  password: string,
  { keepSession, alsoSet }: { keepSession?: CredentialChange["keepSession"]; alsoSet?: NewCredentials } = {},
): Promise<boolean> {
  const changed = await changeCredentials(context, {
    userId: account.userId,
    email: account.email,
    set: { ...alsoSet, passwordHash: hashPassword(password) },
    ...(keepSession ? { keepSession } : {}),
  });
  if (changed) sendSecurityNotice(request, context, account, "password_changed");
  return changed;
}
