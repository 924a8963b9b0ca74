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
import { and, eq, exists, ne, sql } from "drizzle-orm";
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
  /**
   * The credential generation the caller read with what it checked (the current password, a reset
   * link): the change applies only while the account is still at it, so a change that raced another
   * one and lost (its checks now stale) writes nothing. Operators' changes omit it.
   */
  ifGeneration?: number;
};

/**
 * The change as unexecuted statements, in order, for one batch. The operator scripts render the same
 * statements to SQL (scripts/lib/credential-change.ts), so no caller re-implements a part of it.
 * The LAST statement returns the account's new generation (no row: no such account, or with
 * `ifGeneration`, another change came first). Every statement before it holds only while the
 * account is still at that generation, and it comes last because it moves the generation on: a batch
 * is one transaction, so either all of them apply or none does.
 */
export async function credentialChangeStatements(db: Db, change: CredentialChange, now: Date) {
  const { userId, keepSession, ifGeneration } = change;
  const account =
    ifGeneration === undefined
      ? eq(users.id, userId)
      : and(eq(users.id, userId), eq(users.credentialGeneration, ifGeneration));
  const stillCurrent =
    ifGeneration === undefined ? undefined : exists(db.select({ one: sql`1` }).from(users).where(account));
  const ofUser = and(eq(sessions.userId, userId), stillCurrent);
  return [
    db.delete(sessions).where(keepSession ? and(ofUser, ne(sessions.id, keepSession.id)) : ofUser),
    ...(keepSession
      ? [
          db
            .update(sessions)
            .set({
              id: keepSession.newId,
              // The generation the last statement moves the account to.
              credentialGeneration: sql`(SELECT ${users.credentialGeneration} + 1 FROM ${users} WHERE ${users.id} = ${userId})`,
              confirmedAt: now,
            })
            .where(and(eq(sessions.id, keepSession.id), ofUser)),
        ]
      : []),
    // Bound to the old generation, they are void already; deleted too, so nothing dead lingers.
    dropTokens(db, userId, ["password_reset", "second_factor"], stillCurrent),
    clearAccountChecks(db, await accountKeyFor(change.email), stillCurrent),
    db
      .update(users)
      .set({ ...change.set, credentialGeneration: sql`${users.credentialGeneration} + 1` })
      .where(account)
      .returning({ generation: users.credentialGeneration }),
  ] as const;
}

/** Runs the change; false when the account no longer exists or (`ifGeneration`) has changed since (then nothing changed). */
export async function changeCredentials(context: AppLoadContext, change: CredentialChange): Promise<boolean> {
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
