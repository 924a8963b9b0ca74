// The scheduled sweep (a Cron Trigger, see wrangler.toml): rows that can no longer matter go.
import { lte } from "drizzle-orm";
import { config } from "~/config";
import { getDbOutsideRequest, schema } from "~/database/db.server";

const { sessions, loginFailures } = schema;

export async function sweepExpired(env: Env, now = new Date()): Promise<void> {
  const db = getDbOutsideRequest(env);
  const windowEnded = new Date(now.getTime() - config.loginThrottle.windowMs);
  const [expiredSessions, staleFailures] = await db.batch([
    db.delete(sessions).where(lte(sessions.expiresAt, now)),
    db.delete(loginFailures).where(lte(loginFailures.windowStartedAt, windowEnded)),
  ]);
  console.log(
    JSON.stringify({
      event: "sweep",
      sessionsDeleted: expiredSessions.meta.changes,
      failureCountersDeleted: staleFailures.meta.changes,
    }),
  );
}
