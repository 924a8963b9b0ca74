// Password reset by email (docs/product.md "Forgot password"): issuing one-time links, and spending them.
// A link carries a random token; D1 keeps only its SHA-256, for 30 minutes, and only the newest
// per account. Known and unknown addresses take the same path through the same one D1 batch, and
// the email goes out after the response, so neither the answer nor its timing tells them apart.
import type { AppLoadContext } from "@remix-run/cloudflare";
import { and, eq, type SQL, sql } from "drizzle-orm";
import { audit } from "~/auth/audit.server";
import { setPassword } from "~/auth/credentials.server";
import { findLiveToken, hashOfPresented, issueToken, newToken, spendToken } from "~/auth/tokens.server";
import { getDb, schema } from "~/database/db.server";
import { mailConfig, sendPasswordResetEmail } from "~/email/send.server";
import { addressKey, countSend, underSendCap } from "~/email/send-caps.server";

const { users } = schema;

/**
 * Issues a link for `email` when it has an account and fewer than 3 links went to it in the last
 * hour, and schedules the email. One D1 round trip whatever the case: the token row is stored only
 * if the account exists and the cap allows; the account's older links go and the send is counted
 * only if that row now exists.
 */
export async function requestPasswordReset(request: Request, context: AppLoadContext, email: string): Promise<void> {
  const { env } = context.cloudflare;
  // Checked for every address alike: a misconfigured deploy must not fail only for real accounts.
  mailConfig(env);
  const db = getDb(context);
  const now = new Date();
  const [{ token, hash }, key] = await Promise.all([newToken(), addressKey(email)]);
  const [issued] = await db.batch([
    ...issueToken(db, {
      hash,
      purpose: "password_reset",
      forUser: and(eq(users.email, email), underSendCap(db, key, "password_reset", now)) as SQL,
      now,
    }),
    countSend(db, key, "password_reset", hash, now),
  ]);
  const userId = issued[0]?.userId;
  await audit("password_reset_requested", request, env, userId);
  if (userId !== undefined) sendPasswordResetEmail(context, email, token);
}

export type ResetAccount = { userId: number; email: string; firstName: string };

/** The account a live link belongs to, or null for a missing, malformed, unknown, spent, superseded or expired one. */
export async function findResetAccount(context: AppLoadContext, token: string | null): Promise<ResetAccount | null> {
  const holder = await findLiveToken(getDb(context), "password_reset", await hashOfPresented(token));
  return holder && { userId: holder.userId, email: holder.email, firstName: holder.firstName };
}

/**
 * Spends the link (one conditional DELETE: of two racing posts exactly one gets it), then sets the
 * password through the one credential change (credentials.server.ts: a new generation, every session
 * of the account, every link, the throttle's counts; "Your password was changed" to the account's
 * address), confirming the address too (the link proved the owner reads it). False when the link
 * was spent, superseded or voided in the meantime, or another credential change landed after it was spent.
 */
export async function resetPassword(
  request: Request,
  context: AppLoadContext,
  account: ResetAccount,
  token: string,
  password: string,
): Promise<boolean> {
  const { env } = context.cloudflare;
  const hash = await hashOfPresented(token);
  if (!hash) return false;
  const [spent] = await spendToken(getDb(context), "password_reset", hash);
  if (spent?.userId !== account.userId) return false;
  const confirmed = { emailConfirmedAt: sql`coalesce(${users.emailConfirmedAt}, ${Date.now()})` };
  // Bound to the generation the link was issued under: a change that landed since wins, this writes nothing.
  const options = { alsoSet: confirmed, ifGeneration: spent.generation };
  if (!(await setPassword(request, context, account, password, options))) return false;
  await audit("password_reset", request, env, account.userId);
  return true;
}
