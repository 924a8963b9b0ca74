// The account page's changes to the signed-in user: names, password, deletion. The two that can
// take over or destroy an account ask for the password again, under the per-IP limit (in the routes)
// and the per-account throttle of failed logins (here), so a borrowed session can't guess it.
// Each successful change is one D1 batch (one round trip, one transaction).
import type { AppLoadContext } from "@remix-run/cloudflare";
import { eq } from "drizzle-orm";
import { audit } from "~/auth/audit.server";
import type { SignedInUser } from "~/auth/auth.server";
import { clearFailures, failuresFor, lockRemainingMs, recordFailure, throttleKey } from "~/auth/login-throttle.server";
import {
  endUserSessions,
  mintSessionToken,
  newAnonymousCookie,
  renameSession,
  rotatedCookie,
} from "~/auth/session.server";
import { getDb, schema } from "~/database/db.server";
import { notifyPasswordChanged } from "~/email/send.server";
import { serverMessages } from "~/messages";
import { hashPassword, verifyPassword } from "~/passwords/password.server";
import type { ChangePasswordForm, ProfileForm } from "~/validation";

const { users } = schema;

export type RecheckFailure =
  | { ok: false; reason: "wrong" }
  | { ok: false; reason: "locked"; retryAfterMinutes: number };
type Recheck = { ok: true; throttleKey: string } | RecheckFailure;

/**
 * Checks the signed-in user's password once more. A wrong one counts as a failed login of the
 * account (and a locked account is refused before any verification), exactly as at the login form.
 * One D1 round trip to read the hash and the failure count together.
 */
export async function recheckPassword(
  request: Request,
  context: AppLoadContext,
  user: SignedInUser,
  password: string,
): Promise<Recheck> {
  const { env } = context.cloudflare;
  const db = getDb(context);
  const now = new Date();
  const key = await throttleKey(user.email);
  const [[row], [failures]] = await db.batch([
    db.select({ passwordHash: users.passwordHash }).from(users).where(eq(users.id, user.id)).limit(1),
    failuresFor(db, key),
  ]);
  const lockedForMs = lockRemainingMs(failures, now);
  if (lockedForMs > 0) {
    await audit("login_locked", request, env, user.id);
    return { ok: false, reason: "locked", retryAfterMinutes: Math.ceil(lockedForMs / 60_000) };
  }
  if (!row || !verifyPassword(row.passwordHash, password)) {
    await recordFailure(db, key, now);
    await audit("password_recheck_failure", request, env, user.id);
    return { ok: false, reason: "wrong" };
  }
  return { ok: true, throttleKey: key };
}

export async function updateProfile(
  request: Request,
  context: AppLoadContext,
  user: SignedInUser,
  form: ProfileForm,
): Promise<void> {
  const { env } = context.cloudflare;
  await getDb(context)
    .update(users)
    .set({ firstName: form.first_name, lastName: form.last_name })
    .where(eq(users.id, user.id));
  await audit("profile_updated", request, env, user.id);
}

/**
 * Replaces the hash, ends every other session of the user and moves this one to a new token, all in
 * one batch; returns the browser's new cookie (with the flash). The old cookie value is dead after it.
 */
export async function changePassword(
  request: Request,
  context: AppLoadContext,
  user: SignedInUser,
  form: ChangePasswordForm,
): Promise<{ ok: true; cookie: string } | RecheckFailure> {
  const check = await recheckPassword(request, context, user, form.current_password);
  if (!check.ok) return check;
  const { env } = context.cloudflare;
  const db = getDb(context);
  const { token, id } = await mintSessionToken();
  await db.batch([
    db
      .update(users)
      .set({ passwordHash: hashPassword(form.password) })
      .where(eq(users.id, user.id)),
    endUserSessions(db, user.id, user.sessionId),
    renameSession(db, user.sessionId, id),
    clearFailures(db, check.throttleKey),
  ]);
  await audit("password_changed", request, env, user.id);
  notifyPasswordChanged(context, user);
  const cookie = await rotatedCookie(request, context, token, {
    kind: "success",
    text: serverMessages.passwordChanged,
  });
  return { ok: true, cookie };
}

/** Deletes the user (their sessions go with them: ON DELETE CASCADE); returns a fresh anonymous cookie with the flash. */
export async function deleteAccount(
  request: Request,
  context: AppLoadContext,
  user: SignedInUser,
  password: string,
): Promise<{ ok: true; cookie: string } | RecheckFailure> {
  const check = await recheckPassword(request, context, user, password);
  if (!check.ok) return check;
  const { env } = context.cloudflare;
  const db = getDb(context);
  // The failure count goes too: the address may register again at once.
  await db.batch([db.delete(users).where(eq(users.id, user.id)), clearFailures(db, check.throttleKey)]);
  await audit("account_deleted", request, env, user.id);
  const cookie = await newAnonymousCookie(request, context, { kind: "success", text: serverMessages.accountDeleted });
  return { ok: true, cookie };
}
