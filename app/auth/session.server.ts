// Owns the `__session` cookie and the `sessions` rows behind it.
// The cookie (signed with SESSION_SECRET) carries a random token, the CSRF token, flash messages
// and the D1 bookmark of this browser's last write; D1 keeps only the SHA-256 of the token, with
// the user, creation and expiry. Every cookie written here carries the request's latest bookmark,
// so the next page reads from a replica that has at least what this browser wrote.
import { type AppLoadContext, createCookieSessionStorage, type Session } from "@remix-run/cloudflare";
import { and, desc, eq, gt, ne } from "drizzle-orm";
import { config } from "~/config";
import { sha256Hex } from "~/crypto/digest.server";
import { randomToken } from "~/crypto/random.server";
import { seal, unseal } from "~/crypto/seal.server";
import { currentBookmark, type Db, resumeFromBookmark, schema } from "~/database/db.server";
import { readEnv } from "~/env.server";
import type { Flash } from "~/messages";

const { sessions } = schema;

export type SessionData = {
  /** The bearer token of a signed-in session; its hash is the `sessions.id`. */
  token?: string;
  csrf?: string;
  /** Expiry (ms since epoch) of a remembered session: later commits keep the cookie's lifetime. */
  rememberUntil?: number;
  /** D1 bookmark of the last request that wrote this cookie: the next reads start there (db.server.ts). */
  bookmark?: string;
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

/** A new server-side session: the token goes in the cookie, only its hash in D1. */
export async function mintSessionToken(): Promise<{ token: string; id: string }> {
  const token = randomToken(config.sessionTokenBytes);
  return { token, id: await sha256Hex(token) };
}

export function sessionIdFor(token: string): Promise<string> {
  return sha256Hex(token);
}

/** The signed-in browser's cookie with a new token (its session renamed in D1) and a flash message. */
export async function rotatedCookie(
  request: Request,
  context: AppLoadContext,
  token: string,
  flash: Flash,
): Promise<string> {
  const { session, commit } = await getCookieSession(request, context);
  session.set("token", token);
  session.flash("flash", flash);
  return commit();
}

// ---------- Session rows, for the account page ----------
// The builders return unexecuted queries, so a caller can run several in one D1 batch.

/** Deletes the user's sessions: all of them, or all but `exceptSessionId` (the one in use). */
export function endUserSessions(db: Db, userId: number, exceptSessionId?: string) {
  const ofUser = eq(sessions.userId, userId);
  return db
    .delete(sessions)
    .where(exceptSessionId === undefined ? ofUser : and(ofUser, ne(sessions.id, exceptSessionId)));
}

/** The user's live sessions, newest first, with what the devices list shows. */
export function liveSessionsOf(db: Db, userId: number, now: Date) {
  return db
    .select({
      id: sessions.id,
      createdAt: sessions.createdAt,
      device: sessions.device,
      city: sessions.city,
      country: sessions.country,
    })
    .from(sessions)
    .where(and(eq(sessions.userId, userId), gt(sessions.expiresAt, now)))
    .orderBy(desc(sessions.createdAt));
}

/** Deletes one of the user's sessions other than `currentSessionId`; false when `sessionId` is none of them. */
export async function endOtherSession(
  db: Db,
  userId: number,
  currentSessionId: string,
  sessionId: string,
): Promise<boolean> {
  const ended = await db
    .delete(sessions)
    .where(and(eq(sessions.id, sessionId), eq(sessions.userId, userId), ne(sessions.id, currentSessionId)))
    .returning({ id: sessions.id });
  return ended.length > 0;
}

// A "Sign out" button names its session by a reference: the session id sealed (AES-GCM) under the
// signing secret and bound to the user. It is never the cookie's token, says nothing about the id,
// and can be neither forged nor replayed by another account.
const REFERENCE_PURPOSE = "edge-auth session reference";

export function sessionReference(context: AppLoadContext, userId: number, sessionId: string): Promise<string> {
  const [secret = ""] = readEnv(context.cloudflare.env, "SESSION_SECRET");
  return seal(secret, REFERENCE_PURPOSE, sessionId, String(userId));
}

/** The session id a reference names, when this user's page was given it; null for anything else. */
export function sessionIdFromReference(
  context: AppLoadContext,
  userId: number,
  reference: string,
): Promise<string | null> {
  return unseal(readEnv(context.cloudflare.env, "SESSION_SECRET"), REFERENCE_PURPOSE, reference, String(userId));
}
