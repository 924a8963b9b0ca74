// The scheduled sweep (a Cron Trigger, see wrangler.toml): rows that can no longer matter go.
import { lte } from "drizzle-orm";
import { config } from "~/config";
import { getDbOutsideRequest, schema } from "~/database/db.server";

const { sessions, signInAttempts, passwordResetTokens, passwordResetEmails } = schema;

export async function sweepExpired(env: Env, now = new Date()): Promise<void> {
  const db = getDbOutsideRequest(env);
  const windowEnded = new Date(now.getTime() - config.signInThrottle.windowMs);
  const emailsUncounted = new Date(now.getTime() - config.passwordReset.emailWindowMs);
  const [expiredSessions, staleFailures, expiredResetTokens, uncountedResetEmails] = await db.batch([
    db.delete(sessions).where(lte(sessions.expiresAt, now)),
    db.delete(signInAttempts).where(lte(signInAttempts.windowStartedAt, windowEnded)),
    db.delete(passwordResetTokens).where(lte(passwordResetTokens.expiresAt, now)),
    // Past the hour, a sent email no longer counts towards its address's cap.
    db.delete(passwordResetEmails).where(lte(passwordResetEmails.sentAt, emailsUncounted)),
  ]);
  console.log(
    JSON.stringify({
      event: "sweep",
      sessionsDeleted: expiredSessions.meta.changes,
      failureCountersDeleted: staleFailures.meta.changes,
      resetTokensDeleted: expiredResetTokens.meta.changes,
      resetEmailsDeleted: uncountedResetEmails.meta.changes,
    }),
  );
}
