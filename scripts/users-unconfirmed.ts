// `npm run users:unconfirmed -- [--remote] [--older-than DAYS] [--delete [--yes]]`: accounts whose
// address was never confirmed, by age. A dry run unless --delete: with --older-than DAYS it lists
// the accounts created over DAYS days ago that have not signed in for DAYS days either (an imported
// Flask user who still signs in is kept, confirmed or not), and --delete deletes exactly those
// (their sessions, tokens and devices go with them), after a typed "yes" unless --yes. The list
// shows ids and dates, never addresses: its output may end up in a CI log.
import { ageBands, confirm, DAY_MS, type Fail, failWith, parseArgs } from "./lib/cli";
import { query, type Target, where } from "./lib/d1";

const USAGE = "usage: npm run users:unconfirmed -- [--remote] [--older-than DAYS] [--delete [--yes]]";
const fail: Fail = failWith("users:unconfirmed");
const options = parseArgs(
  process.argv.slice(2),
  { flags: ["--remote", "--delete", "--yes"], days: ["--older-than"] },
  USAGE,
  fail,
);
const target: Target = { remote: options.flags.has("--remote") };
const olderThan = options.days.get("--older-than");
const deleting = options.flags.has("--delete");
if (deleting && olderThan === undefined)
  fail("--delete needs --older-than DAYS (how old an unconfirmed account must be)", 2);

const now = Date.now();
const UNCONFIRMED = "email_confirmed_at IS NULL";
const ACCOUNT_AGES = { "under a day old": 1, "1 to 7 days old": 7, "7 to 30 days old": 30, "30 to 365 days old": 365 };
const ages = ageBands("created_at", ACCOUNT_AGES, "over a year old", now);

let rows: { age: string; n: number }[];
let confirmed: number;
try {
  rows = query(target, `SELECT ${ages.sql} AS age, count(*) AS n FROM users WHERE ${UNCONFIRMED} GROUP BY age`);
  confirmed = query<{ n: number }>(target, `SELECT count(*) AS n FROM users WHERE NOT (${UNCONFIRMED})`)[0]?.n ?? 0;
} catch (error) {
  fail((error as Error).message);
}
const unconfirmed = rows.reduce((sum, row) => sum + row.n, 0);
console.log(`Users in ${where(target)}: ${unconfirmed + confirmed}`);
console.log(`  address confirmed:      ${confirmed}`);
console.log(`  address not confirmed:  ${unconfirmed}`);
for (const age of ages.labels) {
  const n = rows.find((row) => row.age === age)?.n ?? 0;
  if (n > 0) console.log(`    ${age}: ${n}`);
}

if (olderThan !== undefined) {
  const days = olderThan;
  const cutoff = now - days * DAY_MS;
  const which = `${UNCONFIRMED} AND created_at < ${cutoff} AND coalesce(last_login_at, 0) < ${cutoff}`;
  const stale = query<{ id: number; created_at: number; last_login_at: number | null }>(
    target,
    `SELECT id, created_at, last_login_at FROM users WHERE ${which} ORDER BY created_at`,
  );
  if (stale.length === 0) {
    console.log(`\nNo unconfirmed account is over ${days} days old without a sign-in since: nothing to delete.`);
    process.exit(0);
  }
  const day = (ms: number | null) => (ms === null ? "never" : new Date(ms).toISOString().slice(0, 10));
  console.log(`\n${stale.length} unconfirmed accounts created over ${days} days ago, with no sign-in since:`);
  for (const row of stale) {
    console.log(`  id ${row.id}: created ${day(row.created_at)}, last signed in ${day(row.last_login_at)}`);
  }
  if (!deleting) {
    console.log("\nA dry run: nothing deleted. Add --delete to delete them.");
    process.exit(0);
  }
  if (!options.flags.has("--yes") && !(await confirm(`Delete these ${stale.length} accounts? Type yes to go on: `))) {
    fail("not confirmed; nothing deleted");
  }
  // The same condition again: an account confirmed or signed in since the list was read is kept.
  const deleted = query(target, `DELETE FROM users WHERE ${which} RETURNING id`);
  console.log(`Deleted ${deleted.length} unconfirmed accounts from ${where(target)}.`);
}
