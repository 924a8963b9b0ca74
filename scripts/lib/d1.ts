// `wrangler d1 execute` for the operator scripts: the local D1 that `npm start` uses (honouring the
// same PERSIST_TO) unless --remote.

import { spawnSync } from "node:child_process";

export type Target = { remote: boolean };

function execute(target: Target, input: string[]): unknown[] {
  const persist = !target.remote && process.env.PERSIST_TO ? ["--persist-to", process.env.PERSIST_TO] : [];
  const result = spawnSync(
    "npx",
    [
      "wrangler",
      "d1",
      "execute",
      "DB",
      target.remote ? "--remote" : "--local",
      ...persist,
      "--json",
      "--yes",
      ...input,
    ],
    { encoding: "utf8", maxBuffer: 256 * 1024 * 1024, env: { ...process.env, CI: "true" } },
  );
  if (result.status !== 0) {
    // wrangler --json prints its error as JSON on stdout; show the text, never the SQL we sent.
    let text = result.stderr || result.stdout;
    try {
      text = (JSON.parse(result.stdout) as { error?: { text?: string } }).error?.text ?? text;
    } catch {
      // Not JSON: keep it as it is.
    }
    throw new Error(`wrangler d1 execute failed: ${text.trim()}`);
  }
  return JSON.parse(result.stdout) as unknown[];
}

/** The rows of one query (sent with --command). */
export function query<T>(target: Target, sql: string): T[] {
  const [first] = execute(target, ["--command", sql]) as { results?: T[] }[];
  return first?.results ?? [];
}

/** The rows of each statement of `sql` (several statements, sent with --command), in order. */
export function queryEach<T>(target: Target, sql: string): T[][] {
  return (execute(target, ["--command", sql]) as { results?: T[] }[]).map((statement) => statement.results ?? []);
}

/** Runs a .sql file (many statements; remote: D1's import, one transaction per file). */
export function executeFile(target: Target, path: string): void {
  execute(target, ["--file", path]);
}

export const where = (target: Target) => (target.remote ? "the remote D1" : "the local D1");
