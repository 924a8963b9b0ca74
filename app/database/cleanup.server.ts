// The scheduled sweep (a Cron Trigger, see wrangler.toml): rows that can no longer matter go.
// Imported by app/worker.ts outside the Remix build, so it imports nothing heavier than the database:
// a passkey module here would put a second copy of the WebAuthn code in the worker.
import { lte } from "drizzle-orm";
import { config } from "~/config";
import { type Db, getDbOutsideRequest, schema } from "~/database/db.server";
import { sendsUncountedBefore } from "~/email/send-caps.server";
import { log } from "~/log.server";

const { sessions, signInAttempts, tokens, emailSends, recognisedDevices, webauthnChallenges } = schema;

/** WebAuthn challenges past their 5 minutes (unexecuted): swept whenever a new one is made, and hourly. */
export function deleteExpiredChallenges(db: Db, now: Date) {
  return db.delete(webauthnChallenges).where(lte(webauthnChallenges.expiresAt, now));
}

export async function sweepExpired(env: Env, now = new Date()): Promise<void> {
  const db = getDbOutsideRequest(env);
  const windowEnded = new Date(now.getTime() - config.signInThrottle.windowMs);
  // A browser not signed in for longer than its `__device` cookie lives no longer holds the cookie.
  const deviceForgotten = new Date(now.getTime() - config.deviceCookie.maxAgeSeconds * 1000);
  const [expiredSessions, staleFailures, expiredTokens, uncountedSends, expiredChallenges, forgottenDevices] =
    await db.batch([
      db.delete(sessions).where(lte(sessions.expiresAt, now)),
      db.delete(signInAttempts).where(lte(signInAttempts.windowStartedAt, windowEnded)),
      db.delete(tokens).where(lte(tokens.expiresAt, now)),
      // Past the hour, a sent email no longer counts towards its cap.
      db.delete(emailSends).where(lte(emailSends.sentAt, sendsUncountedBefore(now))),
      // Also swept whenever a new challenge is made; this catches those left when none is made.
      deleteExpiredChallenges(db, now),
      db.delete(recognisedDevices).where(lte(recognisedDevices.lastSignInAt, deviceForgotten)),
    ]);
  log("info", "sweep", {
    sessionsDeleted: expiredSessions.meta.changes,
    failureCountersDeleted: staleFailures.meta.changes,
    tokensDeleted: expiredTokens.meta.changes,
    emailSendsDeleted: uncountedSends.meta.changes,
    challengesDeleted: expiredChallenges.meta.changes,
    recognisedDevicesDeleted: forgottenDevices.meta.changes,
  });
}
