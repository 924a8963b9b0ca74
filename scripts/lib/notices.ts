// What becomes of the security notices an operator command queued with its changes
// (app/email/outbox.server.ts), said in one line. Deployed, the Worker's per-minute Cron Trigger sends
// them, config.operatorNotices.perRun a minute. wrangler dev runs no Cron Triggers, so locally the
// command runs the scheduled handler itself, once, on the app `npm start` serves on $PORT (8787 unless
// set, as npm start reads it), through wrangler dev's /cdn-cgi/local/scheduled, then reads the queue:
// only a notice no longer queued is reported sent.
import { config } from "~/config";
import { noticeSubject } from "~/email/notices.server";
import type { OperatorNotice } from "~/email/outbox.server";
import { query, type Target } from "./d1";

/** The per-minute Cron Trigger's expression (app/worker.ts): notices only, no sweep. */
const EVERY_MINUTE = "* * * * *";

/**
 * What became of the `event` notice queued for each of `userIds` (the accounts whose change applied):
 * sent, or how many are still queued and why.
 */
export async function noticeOutcome(target: Target, userIds: number[], event: OperatorNotice): Promise<string> {
  const notice = `The notice "${noticeSubject(event)}"`;
  const total = userIds.length;
  if (total === 0) return `${notice} was not queued: no account changed.`;
  if (target.remote) {
    return `${notice} ${isQueued(total)}: the Worker sends ${them(total)} to their ${total === 1 ? "address" : "addresses"} within ${minutes(total)}${pace(total)} (failures show as email_failed in its logs).`;
  }
  const origin = `http://127.0.0.1:${process.env.PORT ?? "8787"}`;
  const ran = await fetch(`${origin}/cdn-cgi/local/scheduled?${new URLSearchParams({ cron: EVERY_MINUTE })}`, {
    signal: AbortSignal.timeout(15_000),
  }).then(
    (response) => response.ok,
    () => false,
  );
  // The accounts still waiting for this notice: the queue is short (it empties every minute), the id list may not be.
  const waiting = new Set(
    query<{ user_id: number }>(target, `SELECT DISTINCT user_id FROM pending_notices WHERE event = '${event}'`).map(
      (row) => row.user_id,
    ),
  );
  const queued = userIds.filter((id) => waiting.has(id)).length;
  const sent = total - queued;
  const by = `by the app running at ${origin}/`;
  const later = `\`npm start\` sends ${them(queued)} within ${minutes(queued)} of running${pace(queued)}`;
  if (queued === 0) return `${notice} was sent to ${total === 1 ? "their address" : `all ${total} accounts`} ${by}.`;
  if (sent > 0) {
    return `${notice} was sent to ${sent} of the ${total} accounts ${by}; ${queued} still queued: ${later}.`;
  }
  const why = ran
    ? `the app there did not send ${them(total)}: an email_failed line in its output says why, or it serves another D1`
    : "no app answered there";
  return `${notice} ${isQueued(total)}: ${later} (tried ${origin}/: ${why}).`;
}

const them = (n: number) => (n === 1 ? "it" : "them");
const isQueued = (n: number) => (n === 1 ? "is queued" : `is queued for ${n} accounts`);

const { perRun } = config.operatorNotices;
/** How long the per-minute runs take to send `n` notices, and at what pace when it is more than one run. */
const minutes = (n: number) => (n <= perRun ? "a minute" : `${Math.ceil(n / perRun)} minutes`);
const pace = (n: number) => (n <= perRun ? "" : `, ${perRun} a minute`);
