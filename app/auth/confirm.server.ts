// "Confirm it's you" (SPEC Part three, ASVS V7.5.1): pages that change how the account signs in
// need this session to have proved who is using it in the last 10 minutes, by the password (and
// the code when two-step verification is on) or one of the account's passkeys. Signing in counts.
// The time is the session's own `confirmed_at`, never its creation, so a session kept open for
// hours has to confirm again.
import { type AppLoadContext, redirect } from "@remix-run/cloudflare";
import { eq } from "drizzle-orm";
import { type RecheckFailure, recheckPassword } from "~/account/account.server";
import { audit } from "~/auth/audit.server";
import { pathOf, requireUser, type SignedInUser } from "~/auth/auth.server";
import { clearChecks, type ThrottleKey } from "~/auth/throttle.server";
import { config } from "~/config";
import { getDb, schema } from "~/database/db.server";
import { isSafeRedirect } from "~/safe-redirect";
import { acceptTotpCode } from "~/two-factor/two-factor.server";

const { sessions } = schema;

export const CONFIRM_PATH = "/account/confirm/";

/** True while the session's last confirmation is less than 10 minutes old. */
export function isRecentlyConfirmed(user: Pick<SignedInUser, "confirmedAt">, now = new Date()): boolean {
  return user.confirmedAt !== null && now.getTime() - user.confirmedAt.getTime() < config.confirmationLifetimeMs;
}

/**
 * The guard for pages that change how the account signs in, used like `requireUser`: signed out goes
 * to the login page; signed in but not confirmed lately, a 303 to `/account/confirm/?next=<this page>`
 * (a POST is refused the same way, before it changes anything).
 */
export async function requireConfirmedUser(request: Request, context: AppLoadContext): Promise<SignedInUser> {
  const user = await requireUser(request, context);
  if (isRecentlyConfirmed(user)) return user;
  throw redirect(`${CONFIRM_PATH}?${new URLSearchParams({ next: pathOf(request) })}`, 303);
}

/** Where a confirmation sends the browser: `next` when it is a safe path to a page of the account area, else /account/. */
export function afterConfirmation(next: unknown): string {
  if (!isSafeRedirect(next)) return "/account/";
  // As the browser will resolve it: "/account/../login/" is not under /account/.
  const { pathname } = new URL(next, "http://local.invalid");
  return pathname.startsWith("/account/") && !pathname.startsWith(CONFIRM_PATH) ? next : "/account/";
}

export type ConfirmFailure = RecheckFailure & { field: "password" | "code" };

/**
 * Checks the password and, when two-step verification is on, the code; the submission is one check
 * for the per-account throttle, counted before either runs (a full bucket: refused before any check).
 * On success this session is confirmed from now and this browser's bucket cleared. D1: one round
 * trip to count and read the hash, then one for the code's step (two-step accounts), then one write.
 */
export async function confirmIdentity(
  request: Request,
  context: AppLoadContext,
  user: SignedInUser,
  form: { password: string; code?: string | undefined },
): Promise<{ ok: true } | ConfirmFailure> {
  const { env } = context.cloudflare;
  const check = await recheckPassword(request, context, user, form.password);
  if (!check.ok) return { ...check, field: "password" };
  const now = new Date();
  if (user.twoFactorOn && !(await acceptTotpCode(context, user.id, form.code ?? "", now))) {
    await audit("two_factor_failure", request, env, user.id);
    return { ok: false, reason: "wrong", field: "code" };
  }
  await markConfirmed(request, context, user, check.throttleKey, now);
  return { ok: true };
}

/**
 * This session is confirmed from `now` and this browser's throttle bucket for the account starts
 * afresh, in one write batch: after a password (and code) above, or a passkey (passkeys/confirm.server.ts).
 */
export async function markConfirmed(
  request: Request,
  context: AppLoadContext,
  user: SignedInUser,
  throttle: ThrottleKey,
  now = new Date(),
): Promise<void> {
  const db = getDb(context);
  await db.batch([
    db.update(sessions).set({ confirmedAt: now }).where(eq(sessions.id, user.sessionId)),
    clearChecks(db, throttle),
  ]);
  await audit("identity_confirmed", request, context.cloudflare.env, user.id);
}
