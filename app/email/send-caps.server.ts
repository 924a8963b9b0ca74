// The per-key caps on emails a person can make us send (config.emailCap): reset links per address,
// confirmation and address-change links per account. Each send is a row of `email_sends`, keyed by a
// SHA-256 (the table holds no address), and the cap is a condition inside the statement that issues
// the link, so a burst of requests cannot slip past it between a count and a write.
import { and, count, eq, gt, type SQL, sql } from "drizzle-orm";
import { config } from "~/config";
import { sha256Hex } from "~/crypto/digest.server";
import type { Db } from "~/database/db.server";
import { schema } from "~/database/db.server";

const { emailSends, tokens } = schema;
const { maxEmails, windowMs } = config.emailCap;

export type CappedEmail = "password_reset" | "verify_email" | "change_email";

/** The cap's key for an address (a reset goes to whoever holds the address). */
export function addressKey(email: string): Promise<string> {
  return sha256Hex(email);
}

/** The cap's key for an account, whatever address it has or is changing to. */
export function accountKey(userId: number): Promise<string> {
  return sha256Hex(`account:${userId}`);
}

/** SQL true while fewer than the cap of `purpose` emails went out for `key` in the last hour. */
export function underSendCap(db: Db, key: string, purpose: CappedEmail, now: Date): SQL {
  const sent = db
    .select({ sent: count() })
    .from(emailSends)
    .where(
      and(
        eq(emailSends.key, key),
        eq(emailSends.purpose, purpose),
        gt(emailSends.sentAt, new Date(now.getTime() - windowMs)),
      ),
    );
  return sql`(${sent}) < ${maxEmails}`;
}

/** Counts one send for `key`, only when the token `tokenHash` was stored earlier in the same batch. */
export function countSend(db: Db, key: string, purpose: CappedEmail, tokenHash: string, now: Date) {
  return db.insert(emailSends).select(
    db
      .select({
        key: sql<string>`${key}`.as("key"),
        purpose: sql<string>`${purpose}`.as("purpose"),
        sentAt: sql<number>`${now.getTime()}`.as("sent_at"),
      })
      .from(tokens)
      .where(eq(tokens.id, tokenHash)),
  );
}

/** The moment before which a send no longer counts (the sweep deletes older rows). */
export function sendsUncountedBefore(now: Date): Date {
  return new Date(now.getTime() - windowMs);
}
