// `npm run user:two-factor -- EMAIL --off [--remote]`: turns two-step verification off for a user who
// lost both the authenticator app and the recovery codes (check who is asking first: this removes a
// factor). The same statements as the account page's "Turn off" (turnOffStatements in
// app/two-factor/settings.server.ts), run as one file by `wrangler d1 execute`: the secret and last
// step cleared, the recovery codes deleted, the credential generation bumped, so every session of the
// user ends and every pending sign-in or reset link is void; and the "Two-step verification was turned
// off" notice queued in the same file (one transaction). The worker sends it: the app's mail goes out
// only through the Worker's `EMAIL` binding, which Node cannot reach (scripts/lib/notices.ts says when).
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { turnOffStatements } from "~/two-factor/settings.server";
import { EmailSchema } from "~/validation";
import { executeFile, query, type Target, where } from "./lib/d1";
import { noticeOutcome } from "./lib/notices";
import { sqlText, statementBuilder } from "./lib/statements";

const USAGE = "usage: npm run user:two-factor -- EMAIL --off [--remote]";

function fail(message: string, status = 1): never {
  console.error(`user:two-factor: ${message}`);
  process.exit(status);
  // @cloudflare/workers-types declares `process` as any, so TypeScript cannot see that exit() never returns.
  throw new Error("unreachable");
}

const args: string[] = process.argv.slice(2);
const target: Target = { remote: args.includes("--remote") };
const [typed, ...stray] = args.filter((arg) => arg !== "--remote" && arg !== "--off");
if (!args.includes("--off") || typed === undefined || stray.length > 0) fail(USAGE, 2);
const parsed = EmailSchema.safeParse(typed);
if (!parsed.success) fail(`${parsed.error.issues[0]?.message ?? "not an email address"}\n${USAGE}`, 2);
const email = parsed.data;

const quoted = `'${email.replaceAll("'", "''")}'`;
let found: { id: number; on: number }[];
try {
  found = query(target, `SELECT id, totp_secret IS NOT NULL AS "on" FROM users WHERE email = ${quoted}`);
} catch (error) {
  fail((error as Error).message);
}
const [user] = found;
if (!user) fail(`no user with the email ${email} in ${where(target)}`);
if (!user.on) {
  console.log(`Two-step verification is already off for ${email} (${where(target)}): nothing changed.`);
  process.exit(0);
}

const db = statementBuilder();
const statements = await turnOffStatements(db, { userId: user.id, email }, new Date(), "operator");
const dir = mkdtempSync(join(tmpdir(), "user-two-factor-"));
try {
  const file = join(dir, "turn-off.sql");
  writeFileSync(file, `${statements.map(sqlText).join("\n")}\n`);
  executeFile(target, file);
} catch (error) {
  fail((error as Error).message);
} finally {
  rmSync(dir, { recursive: true, force: true });
}

const [after] = query<{ on: number; sessions: number }>(
  target,
  `SELECT totp_secret IS NOT NULL AS "on", (SELECT count(*) FROM sessions WHERE user_id = ${user.id}) AS sessions FROM users WHERE id = ${user.id}`,
);
if (!after || after.on || after.sessions > 0) fail("the change did not take: run the command again");
console.log(`Two-step verification turned off for ${email} (${where(target)}).`);
console.log("Their recovery codes are deleted and every session they had is ended.");
console.log(await noticeOutcome(target, [user.id], "two_factor_disabled"));
