// Owns the `__session` cookie and the `sessions` rows behind it.
// The cookie (signed with SESSION_SECRET) carries a random token, the CSRF token and flash
// messages; D1 keeps only the SHA-256 of the token, with the user, creation and expiry.
import { type AppLoadContext, createCookieSessionStorage, type Session } from "@remix-run/cloudflare";
import { and, eq, ne } from "drizzle-orm";
import { randomToken, sha256Hex } from "~/auth/crypto.server";
import { sessionSecrets } from "~/auth/secrets.server";
import { config } from "~/config";
import { type Db, schema } from "~/database/db.server";
import type { Flash } from "~/messages";

export type SessionData = {
  /** The bearer token of a signed-in session; its hash is the `sessions.id`. */
  token?: string;
  csrf?: string;
  /** Expiry (ms since epoch) of a remembered session: later commits keep the cookie's lifetime. */
  rememberUntil?: number;
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
      secrets: sessionSecrets(env),
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
    pending = openCookieSession(request, context.cloudflare.env);
    perRequest.set(context, pending);
  }
  return pending;
}

async function openCookieSession(request: Request, env: Env): Promise<RequestSession> {
  const storage = storageFor(request, env);
  // Remix's unsign throws on a signature that is not base64 (atob): such a cookie is no session either.
  const session = await storage.getSession(request.headers.get("Cookie")).catch(() => storage.getSession());
  return { session, commit: () => commitCookie(storage, session) };
}

/** Serialises a session. Remembered sessions keep their Max-Age; the rest end with the browser. */
export function commitCookie(storage: ReturnType<typeof storageFor>, session: CookieSession): Promise<string> {
  const rememberUntil = session.get("rememberUntil");
  if (rememberUntil === undefined) return storage.commitSession(session);
  // Rounded up: the milliseconds spent on the login's D1 writes must not turn one day into 86399 s.
  const maxAge = Math.max(0, Math.ceil((rememberUntil - Date.now()) / 1000));
  return storage.commitSession(session, { maxAge });
}

/** A fresh cookie session for a newly signed-in user: nothing from the anonymous one carries over. */
export async function newSignedInCookie(
  request: Request,
  env: Env,
  token: string,
  rememberUntil: number | undefined,
): Promise<string> {
  const storage = storageFor(request, env);
  const session = await storage.getSession();
  session.set("token", token);
  session.set("csrf", randomToken(config.csrfTokenBytes));
  if (rememberUntil !== undefined) session.set("rememberUntil", rememberUntil);
  return commitCookie(storage, session);
}

/** A fresh anonymous cookie carrying only a flash message (after logout). */
export async function newAnonymousCookie(request: Request, env: Env, flash: Flash): Promise<string> {
  const storage = storageFor(request, env);
  const session = await storage.getSession();
  session.flash("flash", flash);
  return commitCookie(storage, session);
}

/** A new server-side session: the token goes in the cookie, only its hash in D1. */
export async function mintSessionToken(): Promise<{ token: string; id: string }> {
  const token = randomToken(config.sessionTokenBytes);
  return { token, id: await sha256Hex(token) };
}

export function sessionIdFor(token: string): Promise<string> {
  return sha256Hex(token);
}

/** Deletes every session of a user but `exceptSessionId`: a query to await alone or put in a db.batch. */
export function endUserSessions(db: Db, userId: number, exceptSessionId?: string) {
  const { sessions } = schema;
  const ofUser = eq(sessions.userId, userId);
  return db
    .delete(sessions)
    .where(exceptSessionId === undefined ? ofUser : and(ofUser, ne(sessions.id, exceptSessionId)));
}
