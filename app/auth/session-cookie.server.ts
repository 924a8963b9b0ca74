// The `__session` cookie, signed with SESSION_SECRET: the bearer token of a signed-in session, the
// CSRF token, flash messages and the D1 bookmark of this browser's last write. Every cookie written
// here carries the request's latest bookmark, so the next page reads from a replica that has at
// least what this browser wrote. (The rows behind the token: session-rows.server.ts.)
import { type AppLoadContext, createCookieSessionStorage, type Session } from "@remix-run/cloudflare";
import { config } from "~/config";
import { sha256Hex } from "~/crypto/digest.server";
import { randomToken } from "~/crypto/random.server";
import { currentBookmark, resumeFromBookmark } from "~/database/db.server";
import { readEnv } from "~/env.server";
import type { Flash } from "~/messages";

type SessionData = {
  /** The bearer token of a signed-in session; its hash is the `sessions.id`. */
  token?: string;
  csrf?: string;
  /** Expiry (ms since epoch) of a remembered session: later commits keep the cookie's lifetime. */
  rememberUntil?: number;
  /** D1 bookmark of the last request that wrote this cookie: the next reads start there (db.server.ts). */
  bookmark?: string;
  /**
   * A sign-in waiting for its second step (app/two-factor/sign-in.server.ts): the token whose hash
   * is the `tokens` row, and the account's address sealed (the throttle is keyed by it; never readable here).
   */
  pendingSignIn?: { token: string; account: string };
};
type FlashData = { flash: Flash };

export type CookieSession = Session<SessionData, FlashData>;

// Bindings and secrets exist only per request on Workers, so storage is built per request.
function storageFor(request: Request, env: Env) {
  return createCookieSessionStorage<SessionData, FlashData>({
    cookie: {
      name: "__session",
      httpOnly: true,
      sameSite: "lax",
      path: "/",
      secure: new URL(request.url).protocol === "https:",
      secrets: readEnv(env, "SESSION_SECRET"),
    },
  });
}

type RequestSession = { session: CookieSession; commit: () => Promise<string> };

const perRequest = new WeakMap<AppLoadContext, Promise<RequestSession>>();

/**
 * The browser's cookie session, read once per request (loaders run in parallel and share it).
 * A tampered, unsigned or garbled cookie reads as an empty session.
 */
export function getCookieSession(request: Request, context: AppLoadContext): Promise<RequestSession> {
  let pending = perRequest.get(context);
  if (!pending) {
    pending = openCookieSession(request, context);
    perRequest.set(context, pending);
  }
  return pending;
}

async function openCookieSession(request: Request, context: AppLoadContext): Promise<RequestSession> {
  const storage = storageFor(request, context.cloudflare.env);
  // Remix's unsign throws on a signature that is not base64 (atob): such a cookie is no session either.
  const session = await storage.getSession(request.headers.get("Cookie")).catch(() => storage.getSession());
  // A garbled bookmark is dropped: reads start unconstrained, as for a browser that wrote nothing.
  if (session.has("bookmark") && !resumeFromBookmark(context, session.get("bookmark"))) session.unset("bookmark");
  return { session, commit: () => commitCookie(storage, session, context) };
}

/**
 * Serialises a session with the request's latest D1 bookmark. Remembered sessions keep their
 * Max-Age; the rest end with the browser.
 */
function commitCookie(
  storage: ReturnType<typeof storageFor>,
  session: CookieSession,
  context: AppLoadContext,
): Promise<string> {
  const bookmark = currentBookmark(context);
  if (bookmark) session.set("bookmark", bookmark);
  const rememberUntil = session.get("rememberUntil");
  if (rememberUntil === undefined) return storage.commitSession(session);
  // Rounded up: the milliseconds spent on the login's D1 writes must not turn one day into 86399 s.
  const maxAge = Math.max(0, Math.ceil((rememberUntil - Date.now()) / 1000));
  return storage.commitSession(session, { maxAge });
}

/** A fresh cookie session for a newly signed-in user: nothing from the anonymous one carries over (but `flash`). */
export async function newSignedInCookie(
  request: Request,
  context: AppLoadContext,
  token: string,
  rememberUntil: number | undefined,
  flash?: Flash,
): Promise<string> {
  const storage = storageFor(request, context.cloudflare.env);
  const session = await storage.getSession();
  session.set("token", token);
  if (flash) session.flash("flash", flash);
  session.set("csrf", randomToken(config.csrfTokenBytes));
  if (rememberUntil !== undefined) session.set("rememberUntil", rememberUntil);
  return commitCookie(storage, session, context);
}

/** A fresh anonymous cookie carrying only a flash message (after logout). */
export async function newAnonymousCookie(request: Request, context: AppLoadContext, flash: Flash): Promise<string> {
  const storage = storageFor(request, context.cloudflare.env);
  const session = await storage.getSession();
  session.flash("flash", flash);
  return commitCookie(storage, session, context);
}

/**
 * This browser's cookie with a new token when its session was renamed in D1 (a credential change
 * rotates it), and a flash message for the next page when given.
 */
export async function updatedCookie(
  request: Request,
  context: AppLoadContext,
  { token, flash }: { token?: string; flash?: Flash },
): Promise<string> {
  const { session, commit } = await getCookieSession(request, context);
  if (token !== undefined) session.set("token", token);
  if (flash) session.flash("flash", flash);
  return commit();
}

/**
 * The SHA-256 of this browser's CSRF token: the same for every post of a signed-out browser's forms
 * until a sign-in replaces its cookie. A registration stores it, so the same browser posting the
 * same registration again moments later is known as a repeat (docs/product.md "Repeated posts").
 */
export async function formKeyOf(request: Request, context: AppLoadContext): Promise<string | null> {
  const csrf = (await getCookieSession(request, context)).session.get("csrf");
  return csrf ? sha256Hex(csrf) : null;
}
