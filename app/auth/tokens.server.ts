// One-time tokens, whatever they are for: reset links, address confirmation links, address-change
// links, pending two-step sign-ins (docs/decisions/ "One token module"). The holder gets 256 random
// bits; D1 keeps only their SHA-256, the purpose, the user, the user's credential generation at
// issue, what the token carries (`data`) and when it expires. A token is live while its row exists,
// has not expired and its generation is still the user's: a password change or a two-step switch
// voids every token issued before it without touching the table. Spending is one conditional
// DELETE … RETURNING, so of two requests racing with one token exactly one gets the row.
//
// The builders return unexecuted Drizzle statements: callers put them in their own D1 batch (one
// transaction, one round trip) beside the writes the token gates.
import { and, eq, exists, gt, inArray, ne, type SQL, sql } from "drizzle-orm";
import { config } from "~/config";
import { sha256Hex } from "~/crypto/digest.server";
import { randomToken } from "~/crypto/random.server";
import type { Db } from "~/database/db.server";
import { schema } from "~/database/db.server";

const { tokens, users } = schema;
const { bytes, lifetimeMs } = config.tokens;

export type TokenPurpose = keyof typeof lifetimeMs;

/** What randomToken(bytes) yields: base64url without padding. Anything else is no token of ours. */
const TOKEN_SHAPE = new RegExp(`^[A-Za-z0-9_-]{${Math.ceil((bytes * 4) / 3)}}$`);

export type NewToken = {
  /** For the holder only (the emailed link, the cookie): never stored, never logged. */
  token: string;
  /** What D1 keeps, and what the statements below take. */
  hash: string;
};

export async function newToken(): Promise<NewToken> {
  const token = randomToken(bytes);
  return { token, hash: await sha256Hex(token) };
}

/** The hash to look a presented token up by, or null for anything that cannot be one of ours (no query needed). */
export async function hashOfPresented(token: string | null | undefined): Promise<string | null> {
  if (!token || !TOKEN_SHAPE.test(token)) return null;
  return sha256Hex(token);
}

/**
 * Two statements that issue a token, in this order in the caller's batch:
 * `[0]` stores it for the user `forUser` selects (a condition on `users`, e.g. their email and a
 * send cap; matching no one stores nothing), bound to that user's current credential generation,
 * and returns `{ userId }` (empty when nothing was stored); `[1]` voids the same user's older
 * tokens of this purpose, so only the newest works.
 */
export function issueToken(
  db: Db,
  {
    hash,
    purpose,
    forUser,
    data = null,
    now = new Date(),
  }: { hash: string; purpose: TokenPurpose; forUser: SQL; data?: string | null; now?: Date },
) {
  const store = db
    .insert(tokens)
    .select(
      db
        .select({
          id: sql<string>`${hash}`.as("id"),
          userId: users.id,
          purpose: sql<string>`${purpose}`.as("purpose"),
          data: sql<string | null>`${data}`.as("data"),
          credentialGeneration: users.credentialGeneration,
          createdAt: sql<number>`${now.getTime()}`.as("created_at"),
          expiresAt: sql<number>`${now.getTime() + lifetimeMs[purpose]}`.as("expires_at"),
        })
        .from(users)
        .where(forUser)
        .limit(1),
    )
    .returning({ userId: tokens.userId });
  const voidOlder = db
    .delete(tokens)
    .where(
      and(
        eq(tokens.purpose, purpose),
        inArray(tokens.userId, db.select({ userId: tokens.userId }).from(tokens).where(eq(tokens.id, hash))),
        ne(tokens.id, hash),
      ),
    );
  return [store, voidOlder] as const;
}

/** SQL true while the token `hash` of `purpose` (or one of them) is live: stored, unexpired, and of its user's current generation. */
function live(purpose: TokenPurpose | readonly TokenPurpose[], hash: string, now: Date): SQL {
  return and(
    eq(tokens.id, hash),
    typeof purpose === "string" ? eq(tokens.purpose, purpose) : inArray(tokens.purpose, [...purpose]),
    gt(tokens.expiresAt, now),
    sql`${tokens.credentialGeneration} = (SELECT ${users.credentialGeneration} FROM ${users} WHERE ${users.id} = ${tokens.userId})`,
  ) as SQL;
}

/**
 * A condition for other statements of the batch that spends the token: they apply only while it
 * is live, so place them BEFORE `spendToken` in the batch (a batch is one transaction).
 */
export function whileLive(db: Db, purpose: TokenPurpose, hash: string, now = new Date()): SQL {
  return exists(
    db
      .select({ id: tokens.id })
      .from(tokens)
      .where(live(purpose, hash, now)),
  );
}

/**
 * Spends the token: one DELETE of the row only while it is live, returning its user and data.
 * Of two requests spending one token at once, exactly one gets a row back.
 */
export function spendToken(db: Db, purpose: TokenPurpose, hash: string, now = new Date()) {
  return db
    .delete(tokens)
    .where(live(purpose, hash, now))
    .returning({ userId: tokens.userId, data: tokens.data, generation: tokens.credentialGeneration });
}

export type TokenHolder = {
  userId: number;
  email: string;
  firstName: string;
  purpose: TokenPurpose;
  data: string | null;
};

/**
 * The user a live token belongs to, its purpose (when one link serves several) and what it carries,
 * without spending it: for a page that shows a form first (a GET must not use a link up: mail
 * scanners open links). One query.
 */
export async function findLiveToken(
  db: Db,
  purpose: TokenPurpose | readonly TokenPurpose[],
  hash: string | null,
  now = new Date(),
): Promise<TokenHolder | null> {
  if (!hash) return null;
  const row = await db
    .select({
      userId: users.id,
      email: users.email,
      firstName: users.firstName,
      purpose: sql<TokenPurpose>`${tokens.purpose}`,
      data: tokens.data,
    })
    .from(tokens)
    .innerJoin(users, eq(tokens.userId, users.id))
    .where(live(purpose, hash, now))
    .get();
  return row ?? null;
}

/** Deletes every token of these purposes a user holds (e.g. a credential change drops pending resets). */
export function dropTokens(db: Db, userId: number, purposes: TokenPurpose[], onlyIf?: SQL) {
  return db.delete(tokens).where(and(eq(tokens.userId, userId), inArray(tokens.purpose, purposes), onlyIf));
}
