// Per-account throttling of failed logins, counted in D1 so it holds across isolates and locations.
// A fixed window opens at the first failure; after `maxFailures` in it, the account is locked until
// the window ends, whether or not the email belongs to anyone (so a lock reveals nothing).
import { eq, sql } from "drizzle-orm";
import { config } from "~/config";
import { sha256Hex } from "~/crypto/digest.server";
import type { Db } from "~/database/db.server";
import { schema } from "~/database/db.server";

const { loginFailures } = schema;
const { maxFailures, windowMs } = config.loginThrottle;

export function throttleKey(email: string): Promise<string> {
  return sha256Hex(email);
}

export function failuresFor(db: Db, key: string) {
  return db
    .select({ failures: loginFailures.failures, windowStartedAt: loginFailures.windowStartedAt })
    .from(loginFailures)
    .where(eq(loginFailures.emailHash, key))
    .limit(1);
}

/** Milliseconds left on a lock, or 0 when the account may try. */
export function lockRemainingMs(row: { failures: number; windowStartedAt: Date } | undefined, now: Date): number {
  if (!row || row.failures < maxFailures) return 0;
  return Math.max(0, row.windowStartedAt.getTime() + windowMs - now.getTime());
}

/** Counts a failure in one statement: a window that has ended starts over at 1. */
export function recordFailure(db: Db, key: string, now: Date) {
  const windowOpenSince = now.getTime() - windowMs;
  return db
    .insert(loginFailures)
    .values({ emailHash: key, failures: 1, windowStartedAt: now })
    .onConflictDoUpdate({
      target: loginFailures.emailHash,
      set: {
        failures: sql`CASE WHEN ${loginFailures.windowStartedAt} <= ${windowOpenSince} THEN 1 ELSE ${loginFailures.failures} + 1 END`,
        windowStartedAt: sql`CASE WHEN ${loginFailures.windowStartedAt} <= ${windowOpenSince} THEN ${now.getTime()} ELSE ${loginFailures.windowStartedAt} END`,
      },
    });
}

export function clearFailures(db: Db, key: string) {
  return db.delete(loginFailures).where(eq(loginFailures.emailHash, key));
}
