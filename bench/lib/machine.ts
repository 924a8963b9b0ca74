// Where and when a bench ran: the machine, its load, the commit and the toolchain (bench/run.ts and
// bench/floor/compare.ts record it with their figures).
import { execSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { cpus, getPriority, loadavg } from "node:os";
import { join } from "node:path";
import { root } from "../../harness/processes.ts";
import type { Machine } from "./results.ts";

/** The version of the wrangler the bench runs. */
function wranglerVersion(): string {
  const manifest = JSON.parse(readFileSync(join(root, "node_modules/wrangler/package.json"), "utf8")) as {
    version: string;
  };
  return manifest.version;
}

export function machine(): Machine {
  const commit = execSync("git rev-parse --short HEAD", { cwd: root, encoding: "utf8" }).trim();
  const dirty = execSync("git status --porcelain -- app drizzle migrations package.json", {
    cwd: root,
    encoding: "utf8",
  });
  return {
    date: new Date().toISOString(),
    commit: dirty.trim() ? `${commit} (with local changes)` : commit,
    node: process.version,
    cpu: `${cpus().length} × ${cpus()[0]?.model ?? "unknown"}`,
    loadAverageAtStart: loadavg().map((value) => Math.round(value * 100) / 100),
    /** The bench's nice value: `nice -n -10 npm run bench` gives it the CPU over other work on a shared machine. */
    nice: getPriority(),
    wrangler: wranglerVersion(),
  };
}
