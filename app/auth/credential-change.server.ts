// The statements of one credential change (credentials.server.ts runs them in the worker; the
// operator commands render the same statements to SQL, scripts/lib/credential-change.ts). Apart from
// the worker-only parts (the hash kernel, sending the notice) so that Node can bundle it: an
// operator's change queues its notice instead (app/email/outbox.server.ts).
import { and, eq, exists, ne, type SQL, sql } from "drizzle-orm";
import type { SQLiteUpdateSetSource } from "drizzle-orm/sqlite-core";
import { accountKeyFor, clearAccountChecks } from "~/auth/throttle.server";
import { dropTokens } from "~/auth/tokens.server";
import { type Db, schema } from "~/database/db.server";
import { type OperatorNotice, queueNotice } from "~/email/outbox.server";

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
  /**
   * A further condition on the account's row as the caller read it (e.g. "two-step verification still
   * on"), held like `ifGeneration`: when it no longer holds, nothing is written.
   */
  onlyIf?: SQL;
  /**
   * A change made by the site's operator, outside the worker (which sends a request's notice itself):
   * the notice to queue with it, in the same transaction, for the worker's scheduled run to send.
   */
  queueNotice?: OperatorNotice;
};

/**
 * The change as unexecuted statements, in order, for one batch. The operator scripts render the same
 * statements to SQL (scripts/lib/credential-change.ts), so no caller re-implements a part of it.
 * The LAST statement returns the account's new generation (no row: no such account, or with
 * `ifGeneration` or `onlyIf`, another change came first). Every statement before it holds only while
 * the account is still at that generation (and `onlyIf` holds), and it comes last because it moves the generation on: a batch
 * is one transaction, so either all of them apply or none does.
 */
export async function credentialChangeStatements(db: Db, change: CredentialChange, now: Date) {
  const { userId, keepSession, ifGeneration, onlyIf } = change;
  const guarded = ifGeneration !== undefined || onlyIf !== undefined;
  const account = and(
    eq(users.id, userId),
    ifGeneration === undefined ? undefined : eq(users.credentialGeneration, ifGeneration),
    onlyIf,
  );
  const stillCurrent = guarded ? exists(db.select({ one: sql`1` }).from(users).where(account)) : undefined;
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
    // Before the generation moves on, while `account` still selects the row as it was read.
    ...(change.queueNotice ? [queueNotice(db, change.queueNotice, account, now)] : []),
    db
      .update(users)
      .set({ ...change.set, credentialGeneration: sql`${users.credentialGeneration} + 1` })
      .where(account)
      .returning({ generation: users.credentialGeneration }),
  ] as const;
}
