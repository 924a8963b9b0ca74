// Two-step verification's state in D1: the sealed secret, the last accepted step, the recovery
// codes. Secrets are sealed (AES-256-GCM, key from TOTP_SECRET, bound to the user id) so a copy of
// the database alone reveals none, and a sealed secret moved to another user doesn't open.
import type { AppLoadContext } from "@remix-run/cloudflare";
import { and, eq, isNull, lt, or } from "drizzle-orm";
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
  const code = normaliseTotpCode(typed);
  if (!code) return false;
  const db = getDb(context);
  const row = await db
    .select({ sealed: users.totpSecret, lastStep: users.totpLastStep })
    .from(users)
    .where(eq(users.id, userId))
    .get();
  if (!row?.sealed) return false;
  return acceptStep(db, context.cloudflare.env, userId, row, code, now);
}

/** The step check and its conditional write, for callers that have already read the sealed secret and last step. */
export async function acceptStep(
  db: Db,
  env: Env,
  userId: number,
  row: { sealed: string | null; lastStep: number | null },
  code: string,
  now: Date,
): Promise<boolean> {
  if (!row.sealed) return false;
  const opened = await openTotpSecret(env, userId, row.sealed);
  if (!opened) return false;
  const step = await matchingStep(opened.secret, code, now, row.lastStep);
  if (step === null) return false;
  const resealed = opened.stale ? { totpSecret: await sealTotpSecret(env, userId, opened.secret) } : {};
  const won = await db
    .update(users)
    .set({ totpLastStep: step, ...resealed })
    .where(
      and(
        eq(users.id, userId),
        // Still the secret that was checked (not turned off or replaced meanwhile).
        eq(users.totpSecret, row.sealed),
        or(isNull(users.totpLastStep), lt(users.totpLastStep, step)),
      ),
    )
    .returning({ id: users.id });
  return won.length === 1;
}
