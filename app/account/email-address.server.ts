// Proving and changing an account's address (docs/product.md "Email addresses"). Both go through a
// one-time link emailed to the address being proved, opened at /verify-email/: a "verify_email" token
// carries the address it was sent to (so a link to an address the account no longer has confirms
// nothing), a "change_email" token carries the new address, which becomes the account's only when
// the link is opened, if no other account has taken it by then. Sends are capped per account.
import type { AppLoadContext } from "@remix-run/cloudflare";
import { and, count, eq, exists, inArray, isNull, type SQL, sql } from "drizzle-orm";
import { audit } from "~/auth/audit.server";
import type { SignedInUser } from "~/auth/auth.server";
import { findLiveToken, hashOfPresented, issueToken, newToken, spendToken, whileLive } from "~/auth/tokens.server";
import { type Db, getDb, schema } from "~/database/db.server";
import { sendSecurityNotice } from "~/email/notices.server";
import { mailConfig, type Recipient, sendConfirmAddressEmail, sendConfirmNewAddressEmail } from "~/email/send.server";
import { accountKey, countSend, underSendCap } from "~/email/send-caps.server";

const { users, tokens } = schema;

/** The pages a link can be for: the purposes /verify-email/ accepts. */
const ADDRESS_LINKS = ["verify_email", "change_email"] as const;

/**
 * The statements (for the caller's batch) that issue a confirmation link to the address of the user
 * `forUser` selects, while it is unconfirmed. `[0]` returns `{ userId }` when a link was stored.
 */
export function issueConfirmationLink(db: Db, hash: string, email: string, forUser: SQL, now: Date) {
  return issueToken(db, {
    hash,
    purpose: "verify_email",
    forUser: and(forUser, eq(users.email, email), isNull(users.emailConfirmedAt)) as SQL,
    data: email,
    now,
  });
}

export type ResendResult = "sent" | "capped" | "confirmed";

/** "Send the link again": a new confirmation link (voiding older ones), at most 3 an hour per account. */
export async function resendConfirmationLink(
  request: Request,
  context: AppLoadContext,
  user: SignedInUser,
): Promise<ResendResult> {
  mailConfig(context.cloudflare.env);
  const db = getDb(context);
  const now = new Date();
  const [{ token, hash }, key] = await Promise.all([newToken(), accountKey(user.id)]);
  const [[state], [issued]] = await db.batch([
    db.select({ confirmedAt: users.emailConfirmedAt }).from(users).where(eq(users.id, user.id)),
    ...issueConfirmationLink(
      db,
      hash,
      user.email,
      and(eq(users.id, user.id), underSendCap(db, key, "verify_email", now)) as SQL,
      now,
    ),
    countSend(db, key, "verify_email", hash, now),
  ]);
  if (state?.confirmedAt) return "confirmed";
  if (!issued) return "capped";
  await audit("email_confirmation_sent", request, context.cloudflare.env, user.id);
  sendConfirmAddressEmail(context, user, token);
  return "sent";
}

export type AddressLink = { purpose: "verify_email" | "change_email"; address: string };

/** What a live link at /verify-email/ would do, without spending it (a GET only shows the button). */
export async function findAddressLink(context: AppLoadContext, token: string | null): Promise<AddressLink | null> {
  const holder = await findLiveToken(getDb(context), ADDRESS_LINKS, await hashOfPresented(token));
  if (!holder?.data || (holder.purpose !== "verify_email" && holder.purpose !== "change_email")) return null;
  // A confirmation link for an address the account no longer has confirms nothing.
  if (holder.purpose === "verify_email" && holder.data !== holder.email) return null;
  return { purpose: holder.purpose, address: holder.data };
}

export type OpenedLink = "confirmed" | "changed" | "taken" | "invalid";

/**
 * Spends a link at /verify-email/ (POST): a confirmation link marks the address confirmed; an
 * address-change link makes the new address the account's, confirmed, unless another account holds
 * it by now, and tells the OLD address. One D1 batch either way.
 */
export async function openAddressLink(request: Request, context: AppLoadContext, token: string): Promise<OpenedLink> {
  const db = getDb(context);
  const hash = await hashOfPresented(token);
  const holder = await findLiveToken(db, ADDRESS_LINKS, hash);
  if (!hash || !holder?.data) return "invalid";
  const now = new Date();
  if (holder.purpose === "verify_email") {
    const [confirmed, spent] = await db.batch([
      db
        .update(users)
        .set({ emailConfirmedAt: sql`coalesce(${users.emailConfirmedAt}, ${now.getTime()})` })
        .where(and(eq(users.id, holder.userId), eq(users.email, holder.data), whileLive(db, "verify_email", hash, now)))
        .returning({ id: users.id }),
      spendToken(db, "verify_email", hash, now),
    ]);
    if (spent.length === 0 || confirmed.length === 0) return "invalid";
    await audit("email_confirmed", request, context.cloudflare.env, holder.userId);
    return "confirmed";
  }
  return changeAddress(request, context, db, { ...holder, data: holder.data }, hash, now);
}

async function changeAddress(
  request: Request,
  context: AppLoadContext,
  db: Db,
  holder: { userId: number; email: string; firstName: string; data: string },
  hash: string,
  now: Date,
): Promise<OpenedLink> {
  const newEmail = holder.data;
  const addressFree = sql`NOT EXISTS (SELECT 1 FROM ${users} WHERE ${users.email} = ${newEmail})`;
  const nowHasNewAddress = exists(
    db
      .select({ id: users.id })
      .from(users)
      .where(and(eq(users.id, holder.userId), eq(users.email, newEmail))),
  );
  let changed: { id: number }[];
  let spent: { userId: number }[];
  try {
    [changed, , spent] = await db.batch([
      db
        .update(users)
        .set({ email: newEmail, emailConfirmedAt: now })
        .where(and(eq(users.id, holder.userId), addressFree, whileLive(db, "change_email", hash, now)))
        .returning({ id: users.id }),
      // Links sent to the old address (a reset, a confirmation) lose their power with it.
      db
        .delete(tokens)
        .where(
          and(
            eq(tokens.userId, holder.userId),
            inArray(tokens.purpose, ["password_reset", "verify_email"]),
            nowHasNewAddress,
          ),
        ),
      spendToken(db, "change_email", hash, now),
    ]);
  } catch (error) {
    // The unique index is the last word: a registration that took the address in the same instant.
    if (String(error).includes("UNIQUE")) return "taken";
    throw error;
  }
  if (spent.length === 0) return "invalid";
  if (changed.length === 0) return "taken";
  await audit("email_changed", request, context.cloudflare.env, holder.userId);
  sendSecurityNotice(request, context, { email: holder.email, firstName: holder.firstName }, "email_changed");
  return "changed";
}

export type ChangeRequest = "sent" | "same" | "taken" | "capped";

/**
 * Sends "Confirm your new email address" to `newEmail` (nothing else changes yet), voiding an older
 * change link. At most 3 an hour per account, whatever addresses they go to.
 */
export async function requestAddressChange(
  request: Request,
  context: AppLoadContext,
  user: SignedInUser,
  newEmail: string,
): Promise<ChangeRequest> {
  if (newEmail === user.email) return "same";
  mailConfig(context.cloudflare.env);
  const db = getDb(context);
  const now = new Date();
  const [{ token, hash }, key] = await Promise.all([newToken(), accountKey(user.id)]);
  const [[holders], [issued]] = await db.batch([
    db.select({ n: count() }).from(users).where(eq(users.email, newEmail)),
    ...issueToken(db, {
      hash,
      purpose: "change_email",
      forUser: and(
        eq(users.id, user.id),
        sql`NOT EXISTS (SELECT 1 FROM ${users} AS taken WHERE taken.email = ${newEmail})`,
        underSendCap(db, key, "change_email", now),
      ) as SQL,
      data: newEmail,
      now,
    }),
    countSend(db, key, "change_email", hash, now),
  ]);
  if ((holders?.n ?? 0) > 0) return "taken";
  if (!issued) return "capped";
  await audit("email_change_requested", request, context.cloudflare.env, user.id);
  const to: Recipient = { email: newEmail, firstName: user.firstName };
  sendConfirmNewAddressEmail(context, to, token);
  return "sent";
}
