// `npm run users:legacy -- [--remote] [--expire-older-than DAYS] [--yes]`: how many users still have
// a hash imported from the Flask site (they have not signed in since), by format and by when they
// last logged in; with --expire-older-than, makes those hashes unusable for users who have not
// logged in for DAYS days (on either site) and were imported at least DAYS days ago, and sends each of
// them the notice "Your old password was turned off" (queued with their change; the worker sends it).
// They can still set a password through "Forgot your password?".
import { ageBands, confirm, DAY_MS, type Fail, failWith, parseArgs } from "./lib/cli";
import { query, queryEach, type Target, where } from "./lib/d1";
import { type ExpiryCandidate, expiryCandidatesSql, expirySql } from "./lib/legacy-expiry";
import { noticeOutcome } from "./lib/notices";

const USAGE = "usage: npm run users:legacy -- [--remote] [--expire-older-than DAYS] [--yes]";
// About 2.2 KB of SQL per account (its condition repeats in each statement): 40 make about 90 KB.
const USERS_PER_CALL = 40;

const fail: Fail = failWith("users:legacy");
const options = parseArgs(
  process.argv.slice(2),
  { flags: ["--remote", "--yes"], days: ["--expire-older-than"] },
  USAGE,
  fail,
);
const target: Target = { remote: options.flags.has("--remote") };

const now = Date.now();
const LOGIN_AGES = { "within 30 days": 30, "30 to 90 days ago": 90, "90 to 365 days ago": 365 };
const ages = ageBands("last_login_at", LOGIN_AGES, "over a year ago", now, "never");

let rows: { kind: string; age: string; n: number }[];
try {
  rows = query(
    target,
    `SELECT CASE WHEN password_hash LIKE '$argon2id$%' THEN 'argon2id' WHEN substr(password_hash, 1, 1) = '!' THEN 'unusable' ` +
      `ELSE substr(password_hash, 1, instr(password_hash, '$') - 1) END AS kind, ${ages.sql} AS age, count(*) AS n ` +
      "FROM users GROUP BY kind, age ORDER BY kind, age",
  );
} catch (error) {
  fail((error as Error).message);
}

const total = (filter: (row: (typeof rows)[number]) => boolean) =>
  rows.filter(filter).reduce((sum, row) => sum + row.n, 0);
const legacy = rows.filter((row) => row.kind !== "argon2id" && row.kind !== "unusable");
console.log(`Users in ${where(target)}: ${total(() => true)}`);
console.log(`  argon2id (current):          ${total((row) => row.kind === "argon2id")}`);
console.log(`  no usable password:          ${total((row) => row.kind === "unusable")}`);
console.log(`  still on a Flask-site hash:  ${total((row) => legacy.includes(row))}`);
const formats = [...new Set(legacy.map((row) => row.kind || "unknown"))];
for (const format of formats) {
  console.log(`    ${format}: ${total((row) => legacy.includes(row) && (row.kind || "unknown") === format)}`);
}
if (legacy.length > 0) console.log("  by last login (Flask-site hashes):");
for (const age of ages.labels) {
  const n = total((row) => legacy.includes(row) && row.age === age);
  if (n > 0) console.log(`    ${age}: ${n}`);
}

const expireDays = options.days.get("--expire-older-than");
if (expireDays !== undefined) await expire(expireDays);

/**
 * Makes the old hashes unusable through the app's own credential change (scripts/lib/legacy-expiry.ts),
 * one account at a time: a new credential generation, every session and reset link void, failure counts
 * cleared, the notice queued, each bound to the generation read here and to the account still being
 * dormant (an account whose sign-in details changed meanwhile, or that signed in, is left alone and
 * gets no notice). `wrangler d1 execute --command` per USERS_PER_CALL accounts (its SQL stays under
 * Linux's 128 KiB limit for one argument).
 */
async function expire(days: number) {
  const cutoff = new Date(now - days * DAY_MS);
  const candidates = query<ExpiryCandidate>(target, expiryCandidatesSql(cutoff));
  if (candidates.length === 0) {
    console.log(`\nNo Flask-site hash is older than ${days} days: nothing to expire.`);
    return;
  }
  console.log(
    `\n${candidates.length} users imported over ${days} days ago with no login for ${days} days would lose their old password ` +
      `(they can set a new one through "Forgot your password?"; each is sent "Your old password was turned off").`,
  );
  if (!options.flags.has("--yes") && !(await confirm("Expire them? Type yes to go on: ")))
    fail("not confirmed; nothing changed");
  const expired: number[] = [];
  for (let start = 0; start < candidates.length; start += USERS_PER_CALL) {
    const chunk = candidates.slice(start, start + USERS_PER_CALL);
    const perUser = await Promise.all(chunk.map((user) => expirySql(user, cutoff)));
    const results = queryEach(target, perUser.flat().join("\n"));
    // Each account's last statement returns its new generation when its change applied.
    let at = 0;
    for (const [i, statements] of perUser.entries()) {
      at += statements.length;
      const user = chunk[i];
      if (user && (results[at - 1] ?? []).length > 0) expired.push(user.id);
    }
  }
  console.log(`Expired ${expired.length} old hashes in ${where(target)}; their sessions and reset links are void.`);
  if (expired.length < candidates.length) {
    console.log(`${candidates.length - expired.length} changed or signed in meanwhile and were left alone.`);
  }
  console.log(await noticeOutcome(target, expired, "old_password_expired"));
}
