// The per-account throttle on every check of a secret: a password (login, re-checks on the account
// pages), a two-step code, a recovery code. A check is COUNTED before it runs, by one statement on
// the primary that also says whether it may run, so twenty guesses sent at once get five checks,
// not twenty (a read-then-write count lets every racer read "0 so far").
//
// Counts live in buckets. A browser that has signed in to the account before (recognised by its
// `__device` cookie, recognised-device.server.ts) draws from its own bucket for that account;
// every other browser draws from the account's shared bucket. So strangers exhaust the shared bucket
// and lock out strangers only, while the owner's browser keeps its own 5; a recognised browser's
// own failures count against it. Numbers: config.signInThrottle; design: docs/security.md.
//
// Use: `beginCheck` (one round trip) or `countCheck` in your own batch with `checkVerdict` on its
// rows; answer a refusal with the form helper's `submission.tooManyAttempts`; after a success, put `clearChecks` in the success's
// write batch (completeSignIn and changeCredentials already do).
import type { AppLoadContext } from "@remix-run/cloudflare";
import { and, eq, exists, type SQL, sql } from "drizzle-orm";
import { audit } from "~/auth/audit.server";
import { deviceHash, readDeviceId } from "~/auth/recognised-device.server";
import { config } from "~/config";
import { sha256Hex } from "~/crypto/digest.server";
import { type Db, getDb, schema } from "~/database/db.server";

const { signInAttempts, recognisedDevices, users } = schema;
const { maxChecks, windowMs } = config.signInThrottle;

/** Where this browser's checks against one account are counted. */
export type ThrottleKey = {
  /** The account's normalised address (it need not belong to anyone: unknown addresses are throttled alike). */
  email: string;
  /** SHA-256 of the address: every bucket of the account carries it, so a credential change clears them all. */
  accountKey: string;
  accountBucket: string;
  /** This browser's own bucket for the account, used when `recognised_devices` knows it; null without a `__device` cookie. */
  deviceBucket: string | null;
  deviceHash: string | null;
};

export type CheckVerdict = { allowed: true } | { allowed: false; retryAfterMinutes: number };

export function accountKeyFor(email: string): Promise<string> {
  return sha256Hex(email);
}

/** The buckets `email`'s checks from this browser may fall in (which one is decided in SQL, by `countCheck`). */
export async function throttleKey(request: Request, env: Env, email: string): Promise<ThrottleKey> {
  const [accountKey, deviceId] = await Promise.all([accountKeyFor(email), readDeviceId(request, env)]);
  const device = deviceId ? await deviceHash(deviceId) : null;
  return {
    email,
    accountKey,
    accountBucket: `account:${accountKey}`,
    deviceBucket: device ? `device:${await sha256Hex(`${device}:${accountKey}`)}` : null,
    deviceHash: device,
  };
}

/** The bucket this browser draws from now: its own when it has signed in to this account before. */
function bucketOf(db: Db, key: ThrottleKey) {
  if (key.deviceHash === null || key.deviceBucket === null) return sql`${key.accountBucket}`;
  const recognised = exists(
    db
      .select({ one: sql`1` })
      .from(recognisedDevices)
      .innerJoin(users, eq(users.id, recognisedDevices.userId))
      .where(and(eq(users.email, key.email), eq(recognisedDevices.deviceHash, key.deviceHash))),
  );
  return sql`CASE WHEN ${recognised} THEN ${key.deviceBucket} ELSE ${key.accountBucket} END`;
}

/**
 * Counts one check (unexecuted, for a batch): a window that has ended starts over at 1. Returns the
 * bucket's count and window start AFTER this check, for `checkVerdict`. Writes go to the primary,
 * and SQLite runs the upsert atomically, so concurrent checks each see their own count.
 */
export function countCheck(db: Db, key: ThrottleKey, now: Date) {
  const windowEnded = sql`${signInAttempts.windowStartedAt} <= ${now.getTime() - windowMs}`;
  return db
    .insert(signInAttempts)
    .values({ bucket: bucketOf(db, key), accountKey: key.accountKey, attempts: 1, windowStartedAt: now })
    .onConflictDoUpdate({
      target: signInAttempts.bucket,
      set: {
        attempts: sql`CASE WHEN ${windowEnded} THEN 1 ELSE ${signInAttempts.attempts} + 1 END`,
        windowStartedAt: sql`CASE WHEN ${windowEnded} THEN ${now.getTime()} ELSE ${signInAttempts.windowStartedAt} END`,
      },
    })
    .returning({ attempts: signInAttempts.attempts, windowStartedAt: signInAttempts.windowStartedAt });
}

/** Whether the check counted by `countCheck` may run: the 6th and later in a window may not. */
export function checkVerdict(rows: { attempts: number; windowStartedAt: Date }[], now: Date): CheckVerdict {
  const [row] = rows;
  if (!row || row.attempts <= maxChecks) return { allowed: true };
  const leftMs = Math.max(0, row.windowStartedAt.getTime() + windowMs - now.getTime());
  return { allowed: false, retryAfterMinutes: Math.max(1, Math.ceil(leftMs / 60_000)) };
}

/**
 * Counts a check of `email`'s secret and says whether it may run, in one round trip. A refusal is
 * audited here (`userId` when the account is known).
 */
export async function beginCheck(
  request: Request,
  context: AppLoadContext,
  email: string,
  userId?: number,
): Promise<{ verdict: CheckVerdict; key: ThrottleKey }> {
  const { env } = context.cloudflare;
  const db = getDb(context);
  const now = new Date();
  const key = await throttleKey(request, env, email);
  const verdict = checkVerdict(await countCheck(db, key, now), now);
  if (!verdict.allowed) await audit("login_locked", request, env, userId);
  return { verdict, key };
}

/**
 * `beginCheck` for a password: the check counted and the account's stored hash read (the row `where`
 * picks) in the same round trip, on the primary, so a full bucket means no verification at all.
 */
export async function beginPasswordCheck(
  request: Request,
  context: AppLoadContext,
  email: string,
  where: SQL,
): Promise<{ verdict: CheckVerdict; key: ThrottleKey; account: StoredPassword | undefined }> {
  const { env } = context.cloudflare;
  const db = getDb(context);
  const now = new Date();
  const key = await throttleKey(request, env, email);
  const [counted, [account]] = await db.batch([
    countCheck(db, key, now),
    db
      .select({ id: users.id, passwordHash: users.passwordHash, generation: users.credentialGeneration })
      .from(users)
      .where(where)
      .limit(1),
  ]);
  const verdict = checkVerdict(counted, now);
  if (!verdict.allowed) await audit("login_locked", request, env, account?.id);
  return { verdict, key, account };
}

/** An account's stored password hash and credential generation, as a password check reads them. */
type StoredPassword = { id: number; passwordHash: string; generation: number };

/**
 * After a success: this browser's bucket for the account starts afresh (unexecuted, for the success's
 * batch; `onlyIf` makes it conditional like the rest of that batch).
 */
export function clearChecks(db: Db, key: ThrottleKey, onlyIf?: SQL) {
  return db.delete(signInAttempts).where(and(sql`${signInAttempts.bucket} = ${bucketOf(db, key)}`, onlyIf));
}

/** Every bucket of the account (a credential change; a deleted account). Unexecuted, for a batch (`onlyIf` as in clearChecks). */
export function clearAccountChecks(db: Db, accountKey: string, onlyIf?: SQL) {
  return db.delete(signInAttempts).where(and(eq(signInAttempts.accountKey, accountKey), onlyIf));
}
