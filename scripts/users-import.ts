// `npm run users:import -- FILE [--remote] [--dry-run] [--allow-unusable]`: brings the Flask site's
// users (its `users` table exported as CSV, see README) into D1, their werkzeug hashes kept as they
// are until each user's first login. Every address it imports is remembered (its SHA-256, in
// imported_emails), so running the same export again does not bring back an account deleted since.
// Skipped rows go to a new report beside the file (line, email, reason; an earlier report is never
// overwritten); exit status 0 when the file was read and every importable row written, 1 when it
// can't be read or a write fails, 2 for a wrong command line. The batch files it hands to wrangler
// (emails, names, hashes) live in a private temporary folder that goes on every way out: success,
// a failed write, an exception, Ctrl+C.

import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { basename, dirname, extname, join } from "node:path";
import { sha256Hex } from "~/crypto/digest.server";
import { runCommand, Stop } from "./lib/command";
import { executeFile, query, type Target, where } from "./lib/d1";
import { insertStatements, readFlaskUsers, type Skip } from "./lib/flask-users";

/**
 * Statement size and statements per `wrangler d1 execute --file` call. D1 refuses statements over
 * 100 KB (locally too). wrangler splits a file into statements with a scan that gets slower with the
 * square of a statement's length, and each statement then costs ~35 ms locally, and each call a few
 * seconds of start-up: 30 KB statements, 300 to a file (150 of users and the 150 that remember their
 * addresses; about 20,000 rows, one progress step, one D1 import remotely) balance the three.
 */
const STATEMENT_BYTES = 30_000;
const STATEMENTS_PER_FILE = 300;

const USAGE = "usage: npm run users:import -- FILE [--remote] [--dry-run] [--allow-unusable]";
const FLAGS = new Set(["--remote", "--dry-run", "--allow-unusable"]);

const csvField = (text: string) => (/[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text);

/** Writes the report to a file name no earlier run used (`wx`: never over an existing file). */
function writeReport(file: string, skipped: Skip[]): string {
  const stamp = new Date()
    .toISOString()
    .replaceAll(":", "-")
    .replace(/\.\d+Z$/, "Z");
  const text = [
    "line,email,reason,detail",
    ...skipped.map((skip) =>
      [skip.line, skip.email, skip.reason, skip.detail ?? ""].map(String).map(csvField).join(","),
    ),
  ]
    .join("\n")
    .concat("\n");
  for (let attempt = 1; ; attempt++) {
    const suffix = attempt === 1 ? "" : `-${attempt}`;
    const path = join(dirname(file), `${basename(file, extname(file))}.import-report-${stamp}${suffix}.csv`);
    try {
      // The report names people: readable by the operator only, like the export it came from should be.
      writeFileSync(path, text, { flag: "wx", mode: 0o600 });
      return path;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    }
  }
}

async function main(args: string[]): Promise<void> {
  const files = args.filter((arg) => !arg.startsWith("--"));
  const unknown = args.filter((arg) => arg.startsWith("--") && !FLAGS.has(arg));
  if (files.length !== 1 || unknown.length > 0) {
    throw new Stop(unknown.length ? `unknown option ${unknown[0]}\n${USAGE}` : USAGE, 2);
  }
  const [file = ""] = files;
  const target: Target = { remote: args.includes("--remote") };
  const dryRun = args.includes("--dry-run");

  let bytes: Uint8Array;
  try {
    bytes = await readFile(file);
  } catch (error) {
    throw new Stop(`cannot read ${file}: ${(error as Error).message}`);
  }
  const result = readFlaskUsers(bytes, { allowUnusable: args.includes("--allow-unusable") });
  if (!result.ok)
    throw new Stop(`${file}${result.line ? `, line ${result.line}` : ""}: ${result.error}. Nothing was written.`);
  console.log(`Read ${result.read} rows from ${file}; checking which emails ${where(target)} already has…`);

  let existing: Set<string>;
  let importedBefore: Set<string>;
  try {
    existing = new Set(query<{ email: string }>(target, "SELECT email FROM users").map((row) => row.email));
    importedBefore = new Set(
      query<{ email_hash: string }>(target, "SELECT email_hash FROM imported_emails").map((row) => row.email_hash),
    );
  } catch (error) {
    throw new Stop(
      `${(error as Error).message}\n(Has the database been migrated? npm start or npm run db:migrate:local does it.)`,
    );
  }
  const hashes = await Promise.all(result.rows.map((row) => sha256Hex(row.email)));
  const skipped: Skip[] = [...result.skipped];
  const rows: typeof result.rows = [];
  const rowHashes: string[] = [];
  for (const [i, row] of result.rows.entries()) {
    const hash = hashes[i] ?? "";
    const reason = existing.has(row.email)
      ? "email already in D1"
      : importedBefore.has(hash)
        ? "imported before, deleted since"
        : null;
    if (reason === null) {
      rows.push(row);
      rowHashes.push(hash);
    } else skipped.push({ line: row.line, email: row.email, reason });
  }
  skipped.sort((a, b) => a.line - b.line);
  const reportPath = writeReport(file, skipped);

  let written = 0;
  if (!dryRun && rows.length > 0) {
    const statements = insertStatements(rows, rowHashes, Date.now(), STATEMENT_BYTES);
    const workDir = mkdtempSync(join(tmpdir(), "users-import-"));
    // Ctrl+C or a kill while wrangler runs: the folder goes before the process does.
    const onSignal = (signal: NodeJS.Signals) => {
      rmSync(workDir, { recursive: true, force: true });
      process.exit(signal === "SIGINT" ? 130 : 143);
    };
    process.once("SIGINT", onSignal);
    process.once("SIGTERM", onSignal);
    try {
      for (let start = 0; start < statements.length; start += STATEMENTS_PER_FILE) {
        const batch = statements.slice(start, start + STATEMENTS_PER_FILE);
        const sqlPath = join(workDir, `batch-${start}.sql`);
        writeFileSync(sqlPath, batch.map((statement) => statement.sql).join("\n"), { mode: 0o600 });
        try {
          executeFile(target, sqlPath);
        } catch (error) {
          throw new Stop(
            `${(error as Error).message}\n${written} of ${rows.length} rows were written before this. ` +
              "Run the same command again to finish: rows already in D1 are skipped.",
          );
        }
        written += batch.reduce((sum, statement) => sum + statement.rows, 0);
        console.log(`  written ${written} / ${rows.length}`);
      }
    } finally {
      rmSync(workDir, { recursive: true, force: true });
      process.off("SIGINT", onSignal);
      process.off("SIGTERM", onSignal);
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
}

await runCommand("users:import", main);
