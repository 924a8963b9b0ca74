// The session lifecycle: who is signed in, the guards, and the login / register / logout flows.
import { type AppLoadContext, type LoaderFunctionArgs, redirect } from "@remix-run/cloudflare";
import { and, eq, gt, sql } from "drizzle-orm";
import { issueConfirmationLink } from "~/account/email-address.server";
import { audit } from "~/auth/audit.server";
import { formKeyOf, getCookieSession, newAnonymousCookie, updatedCookie } from "~/auth/session-cookie.server";
import { sessionIdFor } from "~/auth/session-rows.server";
import { completeSignIn } from "~/auth/sign-in.server";
import { checkVerdict, countCheck, throttleKey } from "~/auth/throttle.server";
import { newToken } from "~/auth/tokens.server";
import { config } from "~/config";
import { type Db, getDb, schema } from "~/database/db.server";
import { mailConfig, sendConfirmAddressEmail } from "~/email/send.server";
import { type FormSpec, type Keepable, type Submission, submitForm } from "~/http/form-action.server";
import { type Flash, messages, serverMessages } from "~/messages";
import { hashPassword, verifyDummyPassword, verifyStoredPassword } from "~/passwords/password.server";
import { isBreachedPassword } from "~/passwords/pwned-passwords.server";
import { describeStoredHash } from "~/passwords/stored-hash.server";
import { safeRedirect } from "~/safe-redirect";
import { beginSecondStep } from "~/two-factor/sign-in.server";
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
  emailConfirmedAt: users.emailConfirmedAt,
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
  /** Null until the owner opens a confirmation link (docs/product.md "Email addresses"). */
  emailConfirmedAt: Date | null;
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
    // A session opened before the account's latest credential change is signed out (credentials.server.ts).
    .innerJoin(users, and(eq(sessions.userId, users.id), eq(sessions.credentialGeneration, users.credentialGeneration)))
    .where(and(eq(sessions.id, sessionId), gt(sessions.expiresAt, new Date())))
    .get();
  return row ? { ...row, sessionId } : null;
}

/** The one guard for protected pages: signed out means a trip to the login page and back. */
export async function requireUser(request: Request, context: AppLoadContext): Promise<SignedInUser> {
  const user = await getUser(request, context);
  if (user) return user;
  throw await toLogin(request, context);
}

/** To the login page, and after it back to this page: "Please log in to access this page.". */
export function toLogin(request: Request, context: AppLoadContext): Promise<Response> {
  const next = pathOf(request);
  return redirectWithFlash(request, context, `/login/?${new URLSearchParams({ next })}`, {
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

/** A form posted to a page for signed-out visitors: a signed-in browser is sent on, and the per-IP limit refuses. */
export async function submitSignedOutForm<T, K extends Keepable<T> = never>(
  request: Request,
  context: AppLoadContext,
  spec: Omit<FormSpec<T, K>, "ipLimit">,
): Promise<Submission<T, K>> {
  await requireAnonymous(request, context);
  return submitForm(request, context, { ...spec, ipLimit: "refuse" });
}

/** The loader of a signed-out page with no data of its own: `export const loader = anonymousPage;`. */
export async function anonymousPage({ request, context }: LoaderFunctionArgs): Promise<null> {
  await requireAnonymous(request, context);
  return null;
}

/** The loader of a signed-in page with no data of its own: `export const loader = signedInPage;`. */
export async function signedInPage({ request, context }: LoaderFunctionArgs): Promise<null> {
  await requireUser(request, context);
  return null;
}

/** Sets a flash message on the browser's session and redirects (303, so a POST becomes a GET). */
export async function redirectWithFlash(
  request: Request,
  context: AppLoadContext,
  to: string,
  flash: Flash,
): Promise<Response> {
  return redirect(to, { status: 303, headers: { "Set-Cookie": await updatedCookie(request, context, { flash }) } });
}

/**
 * Creates the user and returns its id; null when the email is taken. The unique index decides, so
 * racing twins can't both win. A repeat of the post that created the account moments ago returns
 * that account's id, and nothing is written or sent again (registeredMomentsAgo). In the same batch,
 * the "Confirm your email address" link is stored for the row this request inserted (found by its
 * freshly salted hash, never a twin's row), and the email goes out after the response.
 */
export async function registerUser(
  request: Request,
  context: AppLoadContext,
  form: RegisterForm,
): Promise<number | null> {
  const { env } = context.cloudflare;
  // Checked before anything is written: a deploy that cannot send the link must not create the account.
  mailConfig(env);
  const db = getDb(context);
  const now = new Date();
  const passwordHash = hashPassword(form.password);
  const [{ token, hash }, signUpKey] = await Promise.all([newToken(), formKeyOf(request, context)]);
  const [[created]] = await db.batch([
    db
      .insert(users)
      .values({
        email: form.email,
        firstName: form.first_name,
        lastName: form.last_name,
        passwordHash,
        createdAt: now,
        signUpKey,
      })
      .onConflictDoNothing({ target: users.email })
      .returning({ id: users.id }),
    ...issueConfirmationLink(db, hash, form.email, eq(users.passwordHash, passwordHash), now),
  ]);
  if (!created) return registeredMomentsAgo(db, form, signUpKey, now);
  await audit("register", request, env, created.id);
  sendConfirmAddressEmail(context, { email: form.email, firstName: form.first_name }, token);
  return created.id;
}

/**
 * The id of the account with this address when this post repeats the one that created it: the
 * same browser's form (its form key), within config.repeatedPostMs, the same names and password.
 * Else null: the address is someone's, and the form says so.
 */
async function registeredMomentsAgo(db: Db, form: RegisterForm, signUpKey: string | null, now: Date) {
  if (!signUpKey) return null;
  const account = await db
    .select({ id: users.id, firstName: users.firstName, lastName: users.lastName, passwordHash: users.passwordHash })
    .from(users)
    .where(
      and(
        eq(users.email, form.email),
        eq(users.signUpKey, signUpKey),
        gt(users.createdAt, new Date(now.getTime() - config.repeatedPostMs)),
      ),
    )
    .get();
  if (!account || account.firstName !== form.first_name || account.lastName !== form.last_name) return null;
  return (await verifyStoredPassword(account.passwordHash, form.password)).valid ? account.id : null;
}

export type LoginResult =
  | { ok: true; response: Response }
  | { ok: false; reason: "invalid" }
  | { ok: false; reason: "locked"; retryAfterMinutes: number };

/**
 * Checks credentials and, when they hold, signs in through completeSignIn (a NEW server-side session:
 * the anonymous cookie's contents never become authenticated). The check is counted by the throttle
 * BEFORE it runs, in the same round trip (on the primary) that reads the user; a full bucket means no
 * verification at all. Unknown emails cost one dummy verification, so both kinds of failure take
 * about the same time. Two D1 round trips for a success (this read, completeSignIn's write, or for
 * an account with two-step verification the pending sign-in's write), one for a failure.
 */
export async function logIn(request: Request, context: AppLoadContext, credentials: LoginForm): Promise<LoginResult> {
  const { env } = context.cloudflare;
  const db = getDb(context);
  const now = new Date();
  const key = await throttleKey(request, env, credentials.email);
  const [counted, [user]] = await db.batch([
    countCheck(db, key, now),
    db
      .select({
        id: users.id,
        passwordHash: users.passwordHash,
        generation: users.credentialGeneration,
        twoFactorOn: sql<number>`${users.totpSecret} is not null`.as("two_factor_on"),
      })
      .from(users)
      .where(eq(users.email, credentials.email))
      .limit(1),
  ]);

  const verdict = checkVerdict(counted, now);
  if (!verdict.allowed) {
    await audit("login_locked", request, env, user?.id);
    return { ok: false, reason: "locked", retryAfterMinutes: verdict.retryAfterMinutes };
  }

  const check = user
    ? await verifyStoredPassword(user.passwordHash, credentials.password)
    : { valid: verifyDummyPassword(credentials.password), upgrade: false };
  if (!user || !check.valid) {
    await audit("login_failure", request, env, user?.id);
    return { ok: false, reason: "invalid" };
  }

  // An imported user's first sign-in is the one time the Flask site's password is at hand here and
  // was never checked against breaches: checked now (ordinary logins ask no one), and when breached
  // the user is signed in and sent to change it.
  const breached =
    describeStoredHash(user.passwordHash).kind === "werkzeug" && (await isBreachedPassword(credentials.password, env));
  const signIn = {
    userId: user.id,
    email: credentials.email,
    generation: user.generation,
    remember: credentials.remember_me,
    next: breached ? "/account/password/" : credentials.next,
    ...(breached ? { flash: { kind: "error", text: serverMessages.changeBreachedPassword } as const } : {}),
    // Old argon2 parameters or a hash imported from the Flask site: replaced in the same write.
    ...(check.upgrade ? { rehash: hashPassword(credentials.password) } : {}),
  };
  // Two-step verification on: no session yet, a pending sign-in and the code page (one more round trip).
  const response = user.twoFactorOn
    ? await beginSecondStep(request, context, signIn)
    : await completeSignIn(request, context, { ...signIn, method: "password" });
  return { ok: true, response };
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
