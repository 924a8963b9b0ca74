// What becomes of the security notice an operator command queued with its change
// (app/email/outbox.server.ts), said in one line. Deployed, the Worker's per-minute Cron Trigger sends
// it. wrangler dev runs no Cron Triggers, so locally the command runs the scheduled handler itself on
// the app `npm start` serves on $PORT (8787 unless set, as npm start reads it), through wrangler dev's
// /cdn-cgi/local/scheduled, then reads the queue: only a notice no longer queued is reported sent.
import { noticeSubject } from "~/email/notices.server";
import type { OperatorNotice } from "~/email/outbox.server";
import { query, type Target } from "./d1";

/** The per-minute Cron Trigger's expression (app/worker.ts): notices only, no sweep. */
const EVERY_MINUTE = "* * * * *";

export async function noticeOutcome(target: Target, userId: number, event: OperatorNotice): Promise<string> {
  const notice = `The notice "${noticeSubject(event)}"`;
  if (target.remote) {
    return `${notice} is queued: the Worker sends it to their address within a minute (failures show as email_failed in its logs).`;
  }
  const origin = `http://127.0.0.1:${process.env.PORT ?? "8787"}`;
  const ran = await fetch(`${origin}/cdn-cgi/local/scheduled?${new URLSearchParams({ cron: EVERY_MINUTE })}`, {
    signal: AbortSignal.timeout(15_000),
  }).then(
    (response) => response.ok,
    () => false,
  );
  const [row] = query<{ queued: number }>(
    target,
    `SELECT count(*) AS queued FROM pending_notices WHERE user_id = ${userId} AND event = '${event}'`,
  );
  if (row?.queued === 0) return `${notice} was sent to their address by the app running at ${origin}/.`;
  const why = ran
    ? "the app there did not send it: an email_failed line in its output says why, or it serves another D1"
    : "no app answered there";
  return `${notice} is queued: \`npm start\` sends it within a minute of running (tried ${origin}/: ${why}).`;
}
