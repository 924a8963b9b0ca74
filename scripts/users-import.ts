// `npm run users:import -- FILE [--remote] [--dry-run] [--allow-unusable]`: brings the Flask site's
// users (its `users` table exported as CSV, see README) into D1, their werkzeug hashes kept as they
// are until each user's first login. Skipped rows go to a report beside the file; exit status 0 when
// the file was read and every importable row written, 1 when it can't be read or a write fails.

import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, dirname, extname, join } from "node:path";
import { executeFile, query, type Target, where } from "./lib/d1";
import { insertStatements, readFlaskUsers, type Skip } from "./lib/flask-users";

/**
 * Statement size and statements per `wrangler d1 execute --file` call. D1 refuses statements over
 * 100 KB (locally too). wrangler splits a file into statements with a scan that gets slower with the
 * square of a statement's length, and each statement then costs ~35 ms locally, and each call a few
 * seconds of start-up: 30 KB statements, 300 to a file (about 40,000 rows, one progress step, one
 * D1 import remotely) balance the three.
 */
const STATEMENT_BYTES = 30_000;
const STATEMENTS_PER_FILE = 300;

const USAGE = "usage: npm run users:import -- FILE [--remote] [--dry-run] [--allow-unusable]";
const FLAGS = new Set(["--remote", "--dry-run", "--allow-unusable"]);

function fail(message: string, status = 1): never {
  console.error(`users:import: ${message}`);
  process.exit(status);
  // @cloudflare/workers-types declares `process` as any, so TypeScript cannot see that exit() never returns.
  throw new Error("unreachable");
}

const args: string[] = process.argv.slice(2);
const files = args.filter((arg) => !arg.startsWith("--"));
const unknown = args.filter((arg) => arg.startsWith("--") && !FLAGS.has(arg));
if (files.length !== 1 || unknown.length > 0)
  fail(unknown.length ? `unknown option ${unknown[0]}\n${USAGE}` : USAGE, 2);
const [file = ""] = files;
const target: Target = { remote: args.includes("--remote") };
const dryRun = args.includes("--dry-run");

let bytes: Uint8Array;
try {
  bytes = readFileSync(file);
} catch (error) {
  fail(`cannot read ${file}: ${(error as Error).message}`);
}

const result = readFlaskUsers(bytes, { allowUnusable: args.includes("--allow-unusable") });
if (!result.ok) fail(`${file}${result.line ? `, line ${result.line}` : ""}: ${result.error}. Nothing was written.`);
console.log(`Read ${result.read} rows from ${file}; checking which emails ${where(target)} already has…`);

let existing: Set<string>;
try {
  existing = new Set(query<{ email: string }>(target, "SELECT email FROM users").map((row) => row.email));
} catch (error) {
  fail(`${(error as Error).message}\n(Has the database been migrated? npm start or npm run db:migrate:local does it.)`);
}
const skipped: Skip[] = [...result.skipped];
const rows = result.rows.filter((row) => {
  if (!existing.has(row.email)) return true;
  skipped.push({ line: row.line, reason: "email already in D1" });
  return false;
});
skipped.sort((a, b) => a.line - b.line);

// The report: line and reason only (no emails or hashes), beside the input.
const reportPath = join(dirname(file), `${basename(file, extname(file))}.import-report.csv`);
const csvField = (text: string) => (/[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text);
writeFileSync(
  reportPath,
  [
    "line,reason,detail",
    ...skipped.map((skip) => [skip.line, skip.reason, skip.detail ?? ""].map(String).map(csvField).join(",")),
  ]
    .join("\n")
    .concat("\n"),
);

let written = 0;
if (!dryRun && rows.length > 0) {
  const statements = insertStatements(rows, Date.now(), STATEMENT_BYTES);
  const workDir = mkdtempSync(join(tmpdir(), "users-import-"));
  try {
    for (let start = 0; start < statements.length; start += STATEMENTS_PER_FILE) {
      const batch = statements.slice(start, start + STATEMENTS_PER_FILE);
      const sqlPath = join(workDir, `batch-${start}.sql`);
      writeFileSync(sqlPath, batch.map((statement) => statement.sql).join("\n"));
      try {
        executeFile(target, sqlPath);
      } catch (error) {
        fail(
          `${(error as Error).message}\n${written} of ${rows.length} rows were written before this. ` +
            "Run the same command again to finish: rows already in D1 are skipped.",
        );
      }
      written += batch.reduce((sum, statement) => sum + statement.rows, 0);
      console.log(`  written ${written} / ${rows.length}`);
    }
  } finally {
    rmSync(workDir, { recursive: true, force: true });
  }
}

const byReason = new Map<string, number>();
for (const skip of skipped) byReason.set(skip.reason, (byReason.get(skip.reason) ?? 0) + 1);
const unusable = rows.filter((row) => row.unusable).length;
console.log(`\n${dryRun ? "Dry run: nothing was written." : `Done (${where(target)}).`}`);
console.log(`  read:     ${result.read}`);
console.log(`  ${dryRun ? "would import" : "imported"}: ${dryRun ? rows.length : written}`);
if (unusable > 0) console.log(`    of which without a usable password (--allow-unusable): ${unusable}`);
console.log(`  skipped:  ${skipped.length}`);
for (const [reason, count] of [...byReason].sort((a, b) => b[1] - a[1])) console.log(`    ${reason}: ${count}`);
console.log(`Report of skipped rows: ${reportPath}`);
