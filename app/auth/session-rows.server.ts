// The `sessions` rows: D1 keeps only the SHA-256 of a session's token (the cookie has the token),
// with the user, where it signed in, its creation and expiry. The query builders return unexecuted
// statements, so a caller can run several in one D1 batch. (Opening one: sign-in.server.ts; reading
// the signed-in user through one: auth.server.ts.)
import type { AppLoadContext } from "@remix-run/cloudflare";
import { and, desc, eq, gt, ne } from "drizzle-orm";
import { getCookieSession } from "~/auth/session-cookie.server";
import { config } from "~/config";
import { hmac, sha256Hex } from "~/crypto/digest.server";
import { toBase64url } from "~/crypto/encoding.server";
import { randomToken } from "~/crypto/random.server";
import { type Db, schema } from "~/database/db.server";
import { readEnv } from "~/env.server";

const { sessions } = schema;

/** A new random session token (a credential change rotates the session to one): the cookie has it, D1 its hash. */
export async function mintSessionToken(): Promise<{ token: string; id: string }> {
  const token = randomToken(config.sessionTokenBytes);
  return { token, id: await sha256Hex(token) };
}

/**
 * The token of the session a sign-in opens: it goes in the cookie, only its hash in D1. Posted from a
 * signed-out browser's form, it is an HMAC (under SESSION_SECRET) of that browser's CSRF token, the
 * account and its credential generation: the same browser posting the same sign-in again, its first
 * answer lost to a double click, gets the same session, whichever post lands last (docs/product.md
 * "Repeated posts"). Every sign-in replaces the signed-out cookie, so no other sign-in shares it.
 */
export async function sessionTokenFor(
  request: Request,
  context: AppLoadContext,
  account: { userId: number; generation: number },
): Promise<{ token: string; id: string }> {
  const csrf = (await getCookieSession(request, context)).session.get("csrf");
  if (!csrf) return mintSessionToken();
  const [secret = ""] = readEnv(context.cloudflare.env, "SESSION_SECRET");
  const token = toBase64url(
    await hmac("SHA-256", secret, `session\0${csrf}\0${account.userId}\0${account.generation}`),
  );
  return { token, id: await sha256Hex(token) };
}

export function sessionIdFor(token: string): Promise<string> {
  return sha256Hex(token);
}

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
