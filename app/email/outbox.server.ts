// Security notices of changes made outside the worker (docs/decisions/016-operator-notices.md). The
// operator commands change credentials with `wrangler d1 execute`, from Node, where the EMAIL binding
// does not exist: their change queues the notice in the same transaction (`queueNotice`, one of the
// credential change's statements), and the worker's scheduled run, every minute, sends what is
// queued (`deliverQueuedNotices`). Delivery is at least once: a row is deleted only after its send
// succeeded, so a run that dies in between sends that notice again later.
import { and, eq, inArray, isNull, lte, or, type SQL, sql } from "drizzle-orm";
import { config } from "~/config";
import { randomToken } from "~/crypto/random.server";
import { type Db, getDbOutsideRequest, schema } from "~/database/db.server";
import { sendOperatorNotice } from "~/email/notices.server";
import { logEmailFailure } from "~/email/send.server";
import { log } from "~/log.server";

const { pendingNotices, users } = schema;

/** The notices an operator's change queues. */
export type OperatorNotice = (typeof pendingNotices.$inferInsert)["event"];

/**
 * Queues `event` for the account(s) `account` selects (a condition on `users`, as the change it belongs
 * to reads it): written only while that holds, so a change that writes nothing queues nothing.
 */
export function queueNotice(db: Db, event: OperatorNotice, account: SQL | undefined, now: Date) {
  return db.insert(pendingNotices).select(
    db
      .select({
        id: sql<number>`NULL`.as("id"),
        userId: users.id,
        event: sql<OperatorNotice>`${event}`.as("event"),
        createdAt: sql<number>`${now.getTime()}`.as("created_at"),
        claim: sql<null>`NULL`.as("claim"),
        claimedUntil: sql<null>`NULL`.as("claimed_until"),
      })
      .from(users)
      .where(account),
  );
}

/**
 * Sends the queued notices to each account's address and first name as they are now, oldest first,
 * `config.operatorNotices.perRun` at most. Each is first claimed for this run (runs that overlap, like
 * the hourly and the per-minute one, skip it); one that fails stays claimed and is tried again when
 * the claim runs out. One round trip to claim and read, one to delete each sent notice.
 */
export async function deliverQueuedNotices(env: Env, now: Date): Promise<void> {
  const db = getDbOutsideRequest(env);
  const { perRun, claimMs } = config.operatorNotices;
  const claim = randomToken(16);
  const free = or(isNull(pendingNotices.claimedUntil), lte(pendingNotices.claimedUntil, now));
  const next = db.select({ id: pendingNotices.id }).from(pendingNotices).where(free).orderBy(pendingNotices.id);
  const [, claimed] = await db.batch([
    db
      .update(pendingNotices)
      .set({ claim, claimedUntil: new Date(now.getTime() + claimMs) })
      .where(and(inArray(pendingNotices.id, next.limit(perRun)), free)),
    db
      .select({
        id: pendingNotices.id,
        event: pendingNotices.event,
        at: pendingNotices.createdAt,
        email: users.email,
        firstName: users.firstName,
      })
      .from(pendingNotices)
      .innerJoin(users, eq(users.id, pendingNotices.userId))
      .where(eq(pendingNotices.claim, claim))
      .orderBy(pendingNotices.id),
  ]);
  if (claimed.length === 0) return;
  let sent = 0;
  for (const { id, event, at, ...to } of claimed) {
    try {
      await sendOperatorNotice(env, to, event, at);
    } catch (error) {
      logEmailFailure(event, error);
      continue;
    }
    await db.delete(pendingNotices).where(eq(pendingNotices.id, id));
    sent += 1;
  }
  log(sent === claimed.length ? "info" : "error", "operator_notices", { sent, failed: claimed.length - sent });
}
