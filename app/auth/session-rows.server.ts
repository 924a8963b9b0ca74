// The `sessions` rows: D1 keeps only the SHA-256 of a session's token (the cookie has the token),
// with the user, where it signed in, its creation and expiry. The query builders return unexecuted
// statements, so a caller can run several in one D1 batch. (Opening one: sign-in.server.ts; reading
// the signed-in user through one: auth.server.ts.)
import { and, desc, eq, gt, ne } from "drizzle-orm";
import { config } from "~/config";
import { sha256Hex } from "~/crypto/digest.server";
import { randomToken } from "~/crypto/random.server";
import { type Db, schema } from "~/database/db.server";

const { sessions } = schema;

/** A new server-side session: the token goes in the cookie, only its hash in D1. */
export async function mintSessionToken(): Promise<{ token: string; id: string }> {
  const token = randomToken(config.sessionTokenBytes);
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
