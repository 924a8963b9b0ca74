// Two-step verification's state in D1: the sealed secret, the last accepted step, the recovery
// codes. Secrets are sealed (AES-256-GCM, key from TOTP_SECRET, bound to the user id) so a copy of
// the database alone reveals none, and a sealed secret moved to another user doesn't open.
import type { AppLoadContext } from "@remix-run/cloudflare";
import { and, eq, isNull, lt, or, type SQL } from "drizzle-orm";
import { seal, unseal } from "~/crypto/seal.server";
import type { Db } from "~/database/db.server";
import { getDb, schema } from "~/database/db.server";
import { readEnv } from "~/env.server";
import { matchingStep, normaliseTotpCode } from "~/two-factor/totp.server";

const { users } = schema;

const SEAL_PURPOSE = "totp-secret";

export function sealTotpSecret(env: Env, userId: number, base32Secret: string): Promise<string> {
  const [current = ""] = readEnv(env, "TOTP_SECRET");
  return seal(current, SEAL_PURPOSE, base32Secret, String(userId));
}

/**
 * The secret a sealed value holds, and whether it was sealed with a key that is no longer the first
 * of TOTP_SECRET (then the next accepted code seals it again with the current one); null when no key opens it.
 */
export async function openTotpSecret(
  env: Env,
  userId: number,
  sealed: string,
): Promise<{ secret: string; stale: boolean } | null> {
  const [current = "", ...older] = readEnv(env, "TOTP_SECRET");
  const fresh = await unseal([current], SEAL_PURPOSE, sealed, String(userId));
  if (fresh !== null) return { secret: fresh, stale: false };
  const opened = older.length > 0 ? await unseal(older, SEAL_PURPOSE, sealed, String(userId)) : null;
  return opened === null ? null : { secret: opened, stale: true };
}

/**
 * Checks a code against the user's secret and, when it is right, records its step as used in one
 * conditional UPDATE: of two requests racing with the same code, only the one whose UPDATE lands
 * first gets a row back; the other is refused, as is any later replay of that step. Two D1 round
 * trips when the code is right (read, then the conditional write), one when it is not.
 */
export async function acceptTotpCode(
  context: AppLoadContext,
  userId: number,
  typed: string,
  now = new Date(),
): Promise<boolean> {
  const db = getDb(context);
  const row = await db
    .select({ sealed: users.totpSecret, lastStep: users.totpLastStep })
    .from(users)
    .where(eq(users.id, userId))
    .get();
  if (!row?.sealed) return false;
  const match = await matchCode(context.cloudflare.env, userId, row.sealed, typed, row.lastStep, now);
  if (!match) return false;
  const won = await spendStep(db, userId, match);
  return won.length === 1;
}

/** A code that matched: its step, the sealed secret it matched, and that secret sealed afresh when its key is no longer the current one. */
export type CodeMatch = { step: number; sealed: string; resealed: string | null };

/**
 * Whether `typed` is the code of the current step or one either side, later than `lastStep`, for the
 * sealed secret (set up or in use); null when it is not. No D1: the caller read the secret and
 * writes the step (spendStep) in batches of its own.
 */
export async function matchCode(
  env: Env,
  userId: number,
  sealed: string,
  typed: string,
  lastStep: number | null,
  now: Date,
): Promise<CodeMatch | null> {
  const code = normaliseTotpCode(typed);
  const opened = code ? await openTotpSecret(env, userId, sealed) : null;
  if (!code || !opened) return null;
  const step = await matchingStep(opened.secret, code, now, lastStep);
  if (step === null) return null;
  return { step, sealed, resealed: opened.stale ? await sealTotpSecret(env, userId, opened.secret) : null };
}

/** SQL true while the account still has the matched secret in use and the matched step is later than its last accepted one. */
export function stepIsFresh(userId: number, match: CodeMatch): SQL {
  return and(
    eq(users.id, userId),
    // Still the secret that was checked (not turned off or replaced meanwhile).
    eq(users.totpSecret, match.sealed),
    or(isNull(users.totpLastStep), lt(users.totpLastStep, match.step)),
  ) as SQL;
}

/** Records the matched step as used (unexecuted): it applies only while stepIsFresh, so a step is accepted once. */
export function spendStep(db: Db, userId: number, match: CodeMatch) {
  return db
    .update(users)
    .set({ totpLastStep: match.step, ...(match.resealed ? { totpSecret: match.resealed } : {}) })
    .where(stepIsFresh(userId, match))
    .returning({ id: users.id });
}
