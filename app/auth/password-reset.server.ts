// Password reset by email (docs/product.md "Forgot password"): issuing one-time links, and spending them.
// A link carries a random token; D1 keeps only its SHA-256, for 30 minutes, and only the newest
// per account. Known and unknown addresses take the same path through the same one D1 batch, and
// the email goes out after the response, so neither the answer nor its timing tells them apart.
import type { AppLoadContext } from "@remix-run/cloudflare";
import { and, eq, type SQL, sql } from "drizzle-orm";
import { audit } from "~/auth/audit.server";
import { clearFailures, throttleKey } from "~/auth/login-throttle.server";
import { endUserSessions } from "~/auth/session.server";
import { findLiveToken, hashOfPresented, issueToken, newToken, spendToken, whileLive } from "~/auth/tokens.server";
import { getDb, schema } from "~/database/db.server";
import { mailConfig, notifyPasswordChanged, sendPasswordResetEmail } from "~/email/send.server";
import { addressKey, countSend, underSendCap } from "~/email/send-caps.server";
import { hashPassword } from "~/passwords/password.server";

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
 * Sets the new password, in one D1 batch (one transaction): the hash and the address's
 * confirmation (the link proved the owner reads it), only while the link is still live; every
 * session of the account; the link, spent; its failed-login count. False when the link was spent in
 * the meantime (of two racing posts, exactly one spends it). Then "Your password was changed" goes
 * to the account's address.
 */
export async function resetPassword(
  request: Request,
  context: AppLoadContext,
  account: ResetAccount,
  token: string,
  password: string,
): Promise<boolean> {
  const { env } = context.cloudflare;
  const db = getDb(context);
  const now = new Date();
  const [hash, failureKey] = await Promise.all([hashOfPresented(token), throttleKey(account.email)]);
  if (!hash) return false;
  const [, , spent] = await db.batch([
    db
      .update(users)
      .set({
        passwordHash: hashPassword(password),
        emailConfirmedAt: sql`coalesce(${users.emailConfirmedAt}, ${now.getTime()})`,
      })
      .where(and(eq(users.id, account.userId), whileLive(db, "password_reset", hash, now))),
    endUserSessions(db, account.userId),
    spendToken(db, "password_reset", hash, now),
    clearFailures(db, failureKey),
  ]);
  if (spent.length === 0) return false;
  await audit("password_reset", request, env, account.userId);
  notifyPasswordChanged(context, account);
  return true;
}
