// The scheduled sweep (a Cron Trigger, see wrangler.toml): rows that can no longer matter go.
import { lte } from "drizzle-orm";
import { config } from "~/config";
import { getDbOutsideRequest, schema } from "~/database/db.server";
import { sendsUncountedBefore } from "~/email/send-caps.server";
import { log } from "~/log.server";

const { sessions, signInAttempts, tokens, emailSends } = schema;

export async function sweepExpired(env: Env, now = new Date()): Promise<void> {
  const db = getDbOutsideRequest(env);
  const windowEnded = new Date(now.getTime() - config.signInThrottle.windowMs);
  const [expiredSessions, staleFailures, expiredTokens, uncountedSends] = await db.batch([
    db.delete(sessions).where(lte(sessions.expiresAt, now)),
    db.delete(signInAttempts).where(lte(signInAttempts.windowStartedAt, windowEnded)),
    db.delete(tokens).where(lte(tokens.expiresAt, now)),
    // Past the hour, a sent email no longer counts towards its cap.
    db.delete(emailSends).where(lte(emailSends.sentAt, sendsUncountedBefore(now))),
  ]);
  log("info", "sweep", {
    sessionsDeleted: expiredSessions.meta.changes,
    failureCountersDeleted: staleFailures.meta.changes,
    tokensDeleted: expiredTokens.meta.changes,
    emailSendsDeleted: uncountedSends.meta.changes,
  });
}
