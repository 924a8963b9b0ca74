// The session lifecycle: who is signed in, the guards, and the login / register / logout flows.
import { type AppLoadContext, redirect } from "@remix-run/cloudflare";
import { and, eq, gt, lte, sql } from "drizzle-orm";
import { audit } from "~/auth/audit.server";
import type { SessionOrigin } from "~/auth/device.server";
import { clearFailures, failuresFor, lockRemainingMs, recordFailure, throttleKey } from "~/auth/login-throttle.server";
import {
  getCookieSession,
  mintSessionToken,
  newAnonymousCookie,
  newSignedInCookie,
  sessionIdFor,
} from "~/auth/session.server";
import { config } from "~/config";
import { getDb, schema } from "~/database/db.server";
import { type Flash, messages } from "~/messages";
import { hashPassword, verifyDummyPassword, verifyStoredPassword } from "~/passwords/password.server";
import { safeRedirect } from "~/safe-redirect";
import type { LoginForm, RegisterForm } from "~/validation";

const { users, sessions } = schema;

const signedInUserColumns = {
  id: users.id,
  email: users.email,
  firstName: users.firstName,
  lastName: users.lastName,
  loginCount: users.loginCount,
  lastLoginAt: users.lastLoginAt,
  previousLoginAt: users.previousLoginAt,
  confirmedAt: sessions.confirmedAt,
  twoFactorOn: sql<boolean>`${users.totpSecret} is not null`.mapWith(Boolean),
};

export type SignedInUser = {
  id: number;
  email: string;
  firstName: string;
  lastName: string;
  loginCount: number;
  lastLoginAt: Date | null;
  previousLoginAt: Date | null;
  /** When this session last proved who is using it (signing in counts): see confirm.server.ts. */
  confirmedAt: Date | null;
  twoFactorOn: boolean;
  sessionId: string;
};

const currentUser = new WeakMap<AppLoadContext, Promise<SignedInUser | null>>();

/** The signed-in user, or null. One D1 query (session joined to user), shared by every loader of the request. */
export function getUser(request: Request, context: AppLoadContext): Promise<SignedInUser | null> {
  let pending = currentUser.get(context);
  if (!pending) {
    pending = loadUser(request, context);
    currentUser.set(context, pending);
  }
  return pending;
}

async function loadUser(request: Request, context: AppLoadContext): Promise<SignedInUser | null> {
  const { session } = await getCookieSession(request, context);
  const token = session.get("token");
  if (!token) return null;
  const sessionId = await sessionIdFor(token);
  const row = await getDb(context)
    .select(signedInUserColumns)
    .from(sessions)
    .innerJoin(users, eq(sessions.userId, users.id))
    .where(and(eq(sessions.id, sessionId), gt(sessions.expiresAt, new Date())))
    .get();
  return row ? { ...row, sessionId } : null;
}

/** The one guard for protected pages: signed out means a trip to the login page and back. */
export async function requireUser(request: Request, context: AppLoadContext): Promise<SignedInUser> {
  const user = await getUser(request, context);
  if (user) return user;
  const next = pathOf(request);
  throw await redirectWithFlash(request, context, `/login/?${new URLSearchParams({ next })}`, {
    kind: "info",
    text: messages.loginRequired,
  });
}

/** The page the browser asked for, as the slashed path and query to come back to after a detour. */
export function pathOf(request: Request): string {
  const url = new URL(request.url);
  // Single-fetch data requests arrive without the trailing slash; the user's URL had one.
  return `${url.pathname.replace(/\/?$/, "/")}${url.search}`;
}

/** Pages for signed-out visitors send a signed-in one on to `next` (when safe) or the dashboard. */
export async function requireAnonymous(request: Request, context: AppLoadContext): Promise<void> {
  if (await getUser(request, context)) {
    throw redirect(safeRedirect(new URL(request.url).searchParams.get("next")));
  }
}

/** Sets a flash message on the browser's session and redirects (303, so a POST becomes a GET). */
export async function redirectWithFlash(
  request: Request,
  context: AppLoadContext,
  to: string,
  flash: Flash,
): Promise<Response> {
  const { session, commit } = await getCookieSession(request, context);
  session.flash("flash", flash);
  return redirect(to, { status: 303, headers: { "Set-Cookie": await commit() } });
}

/** Creates the user and returns its id; null when the email is taken. The unique index decides, so racing twins can't both win. */
export async function registerUser(
  request: Request,
  context: AppLoadContext,
  form: RegisterForm,
): Promise<number | null> {
  const { env } = context.cloudflare;
  const [created] = await getDb(context)
    .insert(users)
    .values({
      email: form.email,
      firstName: form.first_name,
      lastName: form.last_name,
      passwordHash: hashPassword(form.password),
      createdAt: new Date(),
    })
    .onConflictDoNothing({ target: users.email })
    .returning({ id: users.id });
  if (created) await audit("register", request, env, created.id);
  return created?.id ?? null;
}

export type LoginResult =
  | { ok: true; cookie: string }
  | { ok: false; reason: "invalid" }
  | { ok: false; reason: "locked"; retryAfterMinutes: number };

/**
 * Checks credentials and, when they hold, opens a NEW server-side session (the anonymous cookie's
 * contents never become authenticated). Unknown emails cost one dummy verification, so both kinds
 * of failure take about the same time; a locked account is refused before any verification.
 * Two D1 round trips either way: one read (user and failure count together), one write. `origin` (the
 * device and place, for the account page) is stored with the session.
 */
export async function logIn(
  request: Request,
  context: AppLoadContext,
  credentials: LoginForm,
  origin: SessionOrigin,
): Promise<LoginResult> {
  const { env } = context.cloudflare;
  const db = getDb(context);
  const now = new Date();
  const key = await throttleKey(credentials.email);
  const [[user], [failures]] = await db.batch([
    db
      .select({ id: users.id, passwordHash: users.passwordHash })
      .from(users)
      .where(eq(users.email, credentials.email))
      .limit(1),
    failuresFor(db, key),
  ]);

  const lockedForMs = lockRemainingMs(failures, now);
  if (lockedForMs > 0) {
    await audit("login_locked", request, env, user?.id);
    return { ok: false, reason: "locked", retryAfterMinutes: Math.ceil(lockedForMs / 60_000) };
  }

  const check = user
    ? await verifyStoredPassword(user.passwordHash, credentials.password)
    : { valid: verifyDummyPassword(credentials.password), upgrade: false };
  if (!user || !check.valid) {
    await recordFailure(db, key, now);
    await audit("login_failure", request, env, user?.id);
    return { ok: false, reason: "invalid" };
  }

  const expiresAt = new Date(now.getTime() + config.sessionMaxAgeSeconds * 1000);
  const { token, id } = await mintSessionToken();
  // Old argon2 parameters or a hash imported from the Flask site: replaced in the same write.
  const rehashed = check.upgrade ? { passwordHash: hashPassword(credentials.password) } : {};
  // One round trip, one transaction: record the login (an imported last_login_at becomes the
  // previous login; the imported count goes on), open the session, sweep the user's expired
  // sessions and reset the failure count.
  await db.batch([
    db
      .update(users)
      .set({
        previousLoginAt: sql`${users.lastLoginAt}`,
        lastLoginAt: now,
        loginCount: sql`${users.loginCount} + 1`,
        ...rehashed,
      })
      .where(eq(users.id, user.id)),
    db.insert(sessions).values({
      id,
      userId: user.id,
      createdAt: now,
      expiresAt,
      remember: credentials.remember_me,
      confirmedAt: now,
      ...origin,
    }),
    db.delete(sessions).where(and(eq(sessions.userId, user.id), lte(sessions.expiresAt, now))),
    clearFailures(db, key),
  ]);
  await audit("login_success", request, env, user.id);
  const cookie = await newSignedInCookie(
    request,
    context,
    token,
    credentials.remember_me ? expiresAt.getTime() : undefined,
  );
  return { ok: true, cookie };
}

/** Deletes the server-side session (so a replayed cookie is dead) and returns a fresh anonymous cookie with the flash. */
export async function logOut(request: Request, context: AppLoadContext): Promise<string> {
  const { env } = context.cloudflare;
  const { session } = await getCookieSession(request, context);
  const token = session.get("token");
  if (token) {
    const [ended] = await getDb(context)
      .delete(sessions)
      .where(eq(sessions.id, await sessionIdFor(token)))
      .returning({ userId: sessions.userId });
    if (ended) await audit("logout", request, env, ended.userId);
  }
  return newAnonymousCookie(request, context, { kind: "success", text: messages.loggedOut });
}
