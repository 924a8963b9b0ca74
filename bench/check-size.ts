// `npm run check:size` (part of `npm test`, after the build): fails when the gzipped worker upload or the
// login page's gzipped client JS grows past its budget, so a dependency that bloats the bundle fails CI.
// Sizes only; timings are noisy and stay in `npm run bench`.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { bundleWorker, clientJsPerPage } from "./lib/size.ts";

const outdir = mkdtempSync(join(tmpdir(), "edge-auth-size-"));
try {
  const worker = bundleWorker(outdir);
  const client = clientJsPerPage();
  const login = client.pages["/login/"]?.gzipKiB ?? Number.POSITIVE_INFINITY;
  const rows: [string, number, number][] = [
    ["worker upload (script + wasm), gzip", worker.gzipKiB, worker.budgetGzipKiB],
    ["login page client JS, gzip", login, client.budgetLoginGzipKiB],
  ];
  let failed = false;
  for (const [what, kib, budget] of rows) {
    const over = kib > budget;
    const close = !over && kib > budget * 0.95;
    failed ||= over;
    console.log(`${over ? "FAIL" : close ? "near" : "ok  "}  ${what}: ${kib} KiB (budget ${budget} KiB)`);
  }
  if (failed) {
    console.error("Size budget exceeded: see `npm run bench` (bench/results.md) for the largest modules.");
    process.exitCode = 1;
  }
} finally {
  rmSync(outdir, { recursive: true, force: true });
}
