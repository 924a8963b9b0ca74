// Opening a session: the one function every successful sign-in ends in (a password, a password and
// a two-step or recovery code, a passkey), so each way in records, binds and notifies alike.
//
// Everything is ONE D1 batch (one round trip, one transaction), and every statement in it holds only
// while the account's credential generation is still the one the caller read before checking the
// secret. A password change or reset that lands while the check runs bumps the generation, so this
// sign-in then opens nothing and writes nothing (no session, no count, no rehash of the old password).
import { type AppLoadContext, redirect } from "@remix-run/cloudflare";
import { and, count, eq, exists, lte, notExists, sql } from "drizzle-orm";
import { audit } from "~/auth/audit.server";
import { redirectWithFlash } from "~/auth/auth.server";
import { deviceCookieHeader, deviceHash, deviceIdFor } from "~/auth/recognised-device.server";
import { newSignedInCookie } from "~/auth/session-cookie.server";
import { sessionOrigin } from "~/auth/session-origin.server";
import { sessionTokenFor } from "~/auth/session-rows.server";
import { clearChecks, throttleKey } from "~/auth/throttle.server";
import { config } from "~/config";
import { getDb, schema } from "~/database/db.server";
import { sendSecurityNotice } from "~/email/notices.server";
import { type Flash, serverMessages } from "~/messages";
import { safeRedirect } from "~/safe-redirect";

const { users, sessions, recognisedDevices, signInDevices } = schema;

type SignInMethod = "password" | "two_factor" | "recovery_code" | "passkey";

export type CompletedSignIn = {
  userId: number;
  /** The account's address (normalised): its throttle buckets are keyed by it. */
  email: string;
  /** `users.credential_generation` as read BEFORE the secret was checked. */
  generation: number;
  remember: boolean;
  /** Where to go next: used only when safe (safe-redirect.ts), else /dash/. */
  next: unknown;
  method: SignInMethod;
  /** A new hash of the typed password, when the stored one is old (other argon2 parameters, a Flask hash). */
  rehash?: string;
  /** A flash for the next page (e.g. "change your breached password"). */
  flash?: Flash;
};

/**
 * Opens the session and answers 303 to the safe `next` (or /dash/) with the new `__session` and the
 * `__device` cookie. In the same write: login_count + 1, previous and last login, the session (this
 * generation, confirmed now), the user's expired sessions swept, this browser's throttle bucket
 * cleared, the browser recognised for the account, and its browser-and-system pair recorded (a new
 * pair on an account that has signed in before sends "New sign-in to your account").
 * The same browser posting the same sign-in again (its first answer lost to a double click) gets
 * the same session, whichever post lands last, and no second login is counted (sessionTokenFor).
 * When the credentials changed meanwhile: nothing is written, and the answer is 303 to /login/.
 */
export async function completeSignIn(
  request: Request,
  context: AppLoadContext,
  signIn: CompletedSignIn,
): Promise<Response> {
  const { env } = context.cloudflare;
  const db = getDb(context);
  const now = new Date();
  const expiresAt = new Date(now.getTime() + config.sessionMaxAgeSeconds * 1000);
  const origin = sessionOrigin(request, context.cloudflare.cf);
  const [{ token, id: sessionId }, deviceId, key] = await Promise.all([
    sessionTokenFor(request, context, signIn),
    deviceIdFor(request, env),
    throttleKey(request, env, signIn.email),
  ]);
  const device = await deviceHash(deviceId);

  const account = and(eq(users.id, signIn.userId), eq(users.credentialGeneration, signIn.generation));
  const stillCurrent = exists(db.select({ one: sql`1` }).from(users).where(account));
  const thisSession = eq(sessions.id, sessionId);
  // A repeat finds its session there already; only the post that inserts it counts the login.
  const insertedNow = exists(
    db
      .select({ one: sql`1` })
      .from(sessions)
      .where(and(thisSession, eq(sessions.createdAt, now))),
  );
  const at = (name: string) => sql<number>`${now.getTime()}`.as(name);

  const [opened, , , , , pairsBefore, newPair, [owner], live] = await db.batch([
    db
      .insert(sessions)
      .select(
        db
          .select({
            id: sql<string>`${sessionId}`.as("id"),
            userId: users.id,
            createdAt: at("created_at"),
            expiresAt: sql<number>`${expiresAt.getTime()}`.as("expires_at"),
            remember: sql<number>`${signIn.remember ? 1 : 0}`.as("remember"),
            device: sql<string | null>`${origin.device}`.as("device"),
            city: sql<string | null>`${origin.city}`.as("city"),
            country: sql<string | null>`${origin.country}`.as("country"),
            credentialGeneration: users.credentialGeneration,
            confirmedAt: at("confirmed_at"),
          })
          .from(users)
          .where(and(account, notExists(db.select({ one: sql`1` }).from(sessions).where(thisSession)))),
      )
      .returning({ id: sessions.id }),
    // An imported last_login_at becomes the previous login; an imported count goes on. A repeated
    // post changes none of it: the first post did.
    db
      .update(users)
      .set({
        previousLoginAt: sql`${users.lastLoginAt}`,
        lastLoginAt: now,
        loginCount: sql`${users.loginCount} + 1`,
        ...(signIn.rehash ? { passwordHash: signIn.rehash } : {}),
      })
      .where(and(account, insertedNow)),
    db.delete(sessions).where(and(eq(sessions.userId, signIn.userId), lte(sessions.expiresAt, now), stillCurrent)),
    // Before the browser becomes recognised: the bucket it drew from until now is the one to clear.
    clearChecks(db, key, stillCurrent),
    db
      .insert(recognisedDevices)
      .select(
        db
          .select({ userId: users.id, deviceHash: sql<string>`${device}`.as("device_hash"), lastSignInAt: at("t") })
          .from(users)
          .where(account),
      )
      .onConflictDoUpdate({
        target: [recognisedDevices.userId, recognisedDevices.deviceHash],
        set: { lastSignInAt: now },
      }),
    db.select({ n: count() }).from(signInDevices).where(eq(signInDevices.userId, signIn.userId)),
    db
      .insert(signInDevices)
      .select(
        db
          .select({
            userId: users.id,
            device: sql<string>`${origin.device ?? "Unknown device"}`.as("device"),
            firstSeenAt: at("first_seen_at"),
          })
          .from(users)
          .where(account),
      )
      .onConflictDoNothing()
      .returning({ device: signInDevices.device }),
    db.select({ email: users.email, firstName: users.firstName }).from(users).where(eq(users.id, signIn.userId)),
    // This post's session or its first post's, still of the account's current credentials.
    db
      .select({ id: sessions.id })
      .from(sessions)
      .innerJoin(
        users,
        and(eq(sessions.userId, users.id), eq(sessions.credentialGeneration, users.credentialGeneration)),
      )
      .where(thisSession),
  ]);

  if (live.length === 0) {
    await audit("login_superseded", request, env, signIn.userId);
    const next = safeRedirect(signIn.next, "");
    return redirectWithFlash(request, context, next ? `/login/?${new URLSearchParams({ next })}` : "/login/", {
      kind: "error",
      text: serverMessages.signInSuperseded,
    });
  }

  await audit(opened.length > 0 ? "login_success" : "login_repeated", request, env, signIn.userId);
  if (owner && newPair.length > 0 && (pairsBefore[0]?.n ?? 0) > 0) {
    sendSecurityNotice(request, context, owner, "new_sign_in", { at: now });
  }
  const headers = new Headers();
  headers.append(
    "Set-Cookie",
    await newSignedInCookie(request, context, token, signIn.remember ? expiresAt.getTime() : undefined, signIn.flash),
  );
  headers.append("Set-Cookie", await deviceCookieHeader(request, env, deviceId));
  return redirect(safeRedirect(signIn.next), { status: 303, headers });
}
