// The account page's changes to the signed-in user: names, password, deletion. The two that can
// take over or destroy an account ask for the password again, under the per-IP limit (in the routes)
// and the per-account throttle (here, counted before the check), so a borrowed session can't guess it.
// Each successful change is one D1 batch (one round trip, one transaction).
import type { AppLoadContext } from "@remix-run/cloudflare";
import { eq } from "drizzle-orm";
import { audit } from "~/auth/audit.server";
import type { SignedInUser } from "~/auth/auth.server";
import { setPassword } from "~/auth/credentials.server";
import { mintSessionToken } from "~/auth/session-rows.server";
import { accountKeyFor, beginPasswordCheck, clearAccountChecks, type ThrottleKey } from "~/auth/throttle.server";
import { getDb, schema } from "~/database/db.server";
import { verifyPassword } from "~/passwords/password.server";
import type { ChangePasswordForm, ProfileForm } from "~/validation";

const { users } = schema;

export type RecheckFailure =
  | { ok: false; reason: "wrong" }
  | { ok: false; reason: "locked"; retryAfterMinutes: number };
/** `generation`: the account's credential generation, read together with the hash that was checked. */
type Recheck = { ok: true; throttleKey: ThrottleKey; generation: number } | RecheckFailure;

/**
 * Checks the signed-in user's password once more, counted by the per-account throttle before it runs
 * (as at the login form: a full bucket means no verification). One D1 round trip, on the primary: the
 * count and the hash together.
 */
export async function recheckPassword(
  request: Request,
  context: AppLoadContext,
  user: SignedInUser,
  password: string,
): Promise<Recheck> {
  const { env } = context.cloudflare;
  const { verdict, key, account: row } = await beginPasswordCheck(request, context, user.email, eq(users.id, user.id));
  if (!verdict.allowed) return { ok: false, reason: "locked", retryAfterMinutes: verdict.retryAfterMinutes };
  if (!row || !verifyPassword(row.passwordHash, password)) {
    await audit("password_recheck_failure", request, env, user.id);
    return { ok: false, reason: "wrong" };
  }
  return { ok: true, throttleKey: key, generation: row.generation };
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
 * Sets the new password through the one credential change (credentials.server.ts): every other
 * session ends, this one moves to a new token, returned for the browser's cookie. The old cookie
 * value is dead after it. The change is bound to the generation read with the current password:
 * when another change (a reset, say) landed while this one checked, it writes nothing
 * (`superseded`; that change has signed this session out).
 */
export async function changePassword(
  request: Request,
  context: AppLoadContext,
  user: SignedInUser,
  form: ChangePasswordForm,
): Promise<{ ok: true; token: string } | RecheckFailure | { ok: false; reason: "superseded" }> {
  const check = await recheckPassword(request, context, user, form.current_password);
  if (!check.ok) return check;
  const { env } = context.cloudflare;
  const { token, id } = await mintSessionToken();
  const changed = await setPassword(
    request,
    context,
    { userId: user.id, email: user.email, firstName: user.firstName },
    form.password,
    { keepSession: { id: user.sessionId, newId: id }, ifGeneration: check.generation },
  );
  if (!changed) return { ok: false, reason: "superseded" };
  await audit("password_changed", request, env, user.id);
  return { ok: true, token };
}

/** Deletes the user (their sessions go with them: ON DELETE CASCADE). */
export async function deleteAccount(
  request: Request,
  context: AppLoadContext,
  user: SignedInUser,
  password: string,
): Promise<{ ok: true } | RecheckFailure> {
  const check = await recheckPassword(request, context, user, password);
  if (!check.ok) return check;
  const { env } = context.cloudflare;
  const db = getDb(context);
  // The throttle's buckets go too: the address may register again at once.
  await db.batch([
    db.delete(users).where(eq(users.id, user.id)),
    clearAccountChecks(db, await accountKeyFor(user.email)),
  ]);
  await audit("account_deleted", request, env, user.id);
  return { ok: true };
}
