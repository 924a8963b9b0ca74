// Password reset by email (docs/product.md "Forgot password"): issuing one-time links, and spending them.
// A link carries a random token; D1 keeps only its SHA-256, for 30 minutes, and only the newest
// per account. Known and unknown addresses take the same path through the same one D1 batch, and
// the email goes out after the response, so neither the answer nor its timing tells them apart.
import type { AppLoadContext } from "@remix-run/cloudflare";
import { and, count, eq, gt, inArray, lt, ne, sql } from "drizzle-orm";
import { audit } from "~/auth/audit.server";
import { setPassword } from "~/auth/credentials.server";
import { randomToken, sha256Hex } from "~/auth/crypto.server";
import { config } from "~/config";
import { getDb, schema } from "~/database/db.server";
import { mailConfig, sendPasswordResetEmail } from "~/email/send.server";

const { users, passwordResetTokens, passwordResetEmails } = schema;
const { tokenBytes, lifetimeMs, maxEmails, emailWindowMs } = config.passwordReset;

/** What randomToken(tokenBytes) yields: base64url without padding. Anything else is no link of ours. */
const TOKEN_SHAPE = new RegExp(`^[A-Za-z0-9_-]{${Math.ceil((tokenBytes * 4) / 3)}}$`);

/**
 * Issues a link for `email` when it has an account and fewer than 3 links went to it in the last
 * hour, and schedules the email. One D1 round trip whatever the case: the token row is inserted
 * only if the account exists and the cap allows; the account's older links go and the send is
 * counted only if that row now exists.
 */
export async function requestPasswordReset(request: Request, context: AppLoadContext, email: string): Promise<void> {
  const { env } = context.cloudflare;
  // Checked for every address alike: a misconfigured deploy must not fail only for real accounts.
  mailConfig(env);
  const db = getDb(context);
  const now = new Date();
  const token = randomToken(tokenBytes);
  const [tokenHash, emailHash] = await Promise.all([sha256Hex(token), sha256Hex(email)]);

  const sentInWindow = db
    .select({ sent: count() })
    .from(passwordResetEmails)
    .where(
      and(
        eq(passwordResetEmails.emailHash, emailHash),
        gt(passwordResetEmails.sentAt, new Date(now.getTime() - emailWindowMs)),
      ),
    );
  const thisToken = eq(passwordResetTokens.id, tokenHash);
  const [issued] = await db.batch([
    db
      .insert(passwordResetTokens)
      .select(
        db
          .select({
            id: sql<string>`${tokenHash}`.as("id"),
            userId: users.id,
            createdAt: sql<number>`${now.getTime()}`.as("created_at"),
            expiresAt: sql<number>`${now.getTime() + lifetimeMs}`.as("expires_at"),
          })
          .from(users)
          .where(and(eq(users.email, email), lt(sql`(${sentInWindow})`, maxEmails))),
      )
      .returning({ userId: passwordResetTokens.userId }),
    // The newest link voids the older ones.
    db
      .delete(passwordResetTokens)
      .where(
        and(
          inArray(
            passwordResetTokens.userId,
            db.select({ userId: passwordResetTokens.userId }).from(passwordResetTokens).where(thisToken),
          ),
          ne(passwordResetTokens.id, tokenHash),
        ),
      ),
    db.insert(passwordResetEmails).select(
      db
        .select({
          emailHash: sql<string>`${emailHash}`.as("email_hash"),
          sentAt: sql<number>`${now.getTime()}`.as("sent_at"),
        })
        .from(passwordResetTokens)
        .where(thisToken),
    ),
  ]);
  const userId = issued[0]?.userId;
  await audit("password_reset_requested", request, env, userId);
  if (userId !== undefined) sendPasswordResetEmail(context, email, token);
}

export type ResetAccount = { userId: number; email: string; firstName: string };

/** The account a live link belongs to, or null for a missing, malformed, unknown, spent, superseded or expired one. */
export async function findResetAccount(context: AppLoadContext, token: string | null): Promise<ResetAccount | null> {
  if (!token || !TOKEN_SHAPE.test(token)) return null;
  const row = await getDb(context)
    .select({ userId: users.id, email: users.email, firstName: users.firstName })
    .from(passwordResetTokens)
    .innerJoin(users, eq(passwordResetTokens.userId, users.id))
    .where(and(eq(passwordResetTokens.id, await sha256Hex(token)), gt(passwordResetTokens.expiresAt, new Date())))
    .get();
  return row ?? null;
}

/**
 * Spends the link (one conditional DELETE, so two racing posts of one link can't both win), then sets
 * the password through the one credential change (credentials.server.ts: every session of the
 * account, every link, the throttle's counts; "Your password was changed" to the account's address).
 * False when the link was spent or had expired in the meantime.
 */
export async function resetPassword(
  request: Request,
  context: AppLoadContext,
  account: ResetAccount,
  token: string,
  password: string,
): Promise<boolean> {
  const { env } = context.cloudflare;
  const [spent] = await getDb(context)
    .delete(passwordResetTokens)
    .where(
      and(
        eq(passwordResetTokens.id, await sha256Hex(token)),
        eq(passwordResetTokens.userId, account.userId),
        gt(passwordResetTokens.expiresAt, new Date()),
      ),
    )
    .returning({ userId: passwordResetTokens.userId });
  if (!spent || !(await setPassword(context, account, password))) return false;
  await audit("password_reset", request, env, account.userId);
  return true;
}
