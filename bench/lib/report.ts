// Turns bench results into bench/results.md and the console summary.
import { fmt } from "../../harness/stats.ts";
import type { FloorResults } from "../floor/compare.ts";
import { type DistanceResults, distanceRow } from "./distance.ts";
import type { BenchResults, Budget, Machine, SizeResults } from "./results.ts";

// Page CPU is judged against a bare Remix worker measured in the same run (bench/floor/), never in
// absolute milliseconds, which only describe this machine on that day.
const FLOOR_PAGE_BUDGET = 1.3;
const COLD_START_BUDGET = 1.5;

const mark = (ok: boolean | null | undefined) => (ok === null || ok === undefined ? "–" : ok ? "met" : "**NOT met**");
const plain = (ok: boolean | null | undefined) => (ok === null || ok === undefined ? "–" : ok ? "met" : "NOT met");

/** The login page's gzipped client JS (the size check measures every page of PAGES, this one included). */
const loginPageGzipKiB = (size: SizeResults) => size.client.pages["/login/"]?.gzipKiB ?? "n/a";

/** Every budget with its measured value: the bench's own, then those against the floor when it has run. */
function budgets(results: BenchResults, floor: FloorResults | null): Budget[] {
  const rows: Budget[] = [];
  const { argon2, load, roundTrips, size } = results;
  if (argon2) {
    // Met only when both the medians and the least-disturbed samples (minima) say so.
    for (const op of ["hash", "verify"] as const) {
      rows.push({
        what: `argon2id ${op}, workerd / native (medians; minima)`,
        measured: `${argon2.ratio[op].toFixed(2)} (${argon2.workerd[op].median.toFixed(1)} / ${argon2.native[op].median.toFixed(1)} ms); ${argon2.ratioOfMinima[op].toFixed(2)} (${argon2.workerd[op].min.toFixed(1)} / ${argon2.native[op].min.toFixed(1)} ms)`,
        budget: `≤ ${argon2.budgetRatio}`,
        ok: argon2.ratio[op] <= argon2.budgetRatio && argon2.ratioOfMinima[op] <= argon2.budgetRatio,
      });
    }
    const cross = argon2.crossChecks.every((c) => c.workerByNative && c.nativeByWorker);
    rows.push({
      what: "PHC strings cross-verify with @node-rs/argon2 (ASCII and non-ASCII)",
      measured: argon2.crossChecks
        .map((c) => `${c.password}: ${c.workerByNative ? "ok" : "FAIL"}/${c.nativeByWorker ? "ok" : "FAIL"}`)
        .join(", "),
      budget: "all ok",
      ok: cross,
    });
  }
  const failures = (load ?? []).reduce((sum, row) => sum + row.errors + row.unexpectedStatus, 0);
  if (load)
    rows.push({
      what: "errors and unexpected statuses, all load runs",
      measured: String(failures),
      budget: "0",
      ok: failures === 0,
    });
  for (const row of roundTrips ?? []) {
    if (row.budget === null) continue;
    rows.push({
      what: `D1 round trips, ${row.request}`,
      measured: String(row.roundTrips),
      budget: `≤ ${row.budget}`,
      ok: row.withinBudget,
    });
  }
  if (size) {
    rows.push({
      what: "worker bundle, gzipped (script + wasm)",
      measured: `${size.worker.gzipKiB} KiB`,
      budget: `≤ ${size.worker.budgetGzipKiB} KiB`,
      ok: size.worker.withinBudget,
    });
    rows.push({
      what: "client JS of the login page, gzipped",
      measured: `${loginPageGzipKiB(size)} KiB`,
      budget: `≤ ${size.client.budgetLoginGzipKiB} KiB`,
      ok: size.client.withinBudget,
    });
  }
  for (const row of results.distance?.budgets ?? []) rows.push({ ...row, what: `distance, ${row.what}` });
  if (floor) rows.push(...floorBudgets(floor));
  return rows;
}

/** Pages at the worker (end to end beside), and module evaluation, as ratios to the floor's in one run. */
function floorBudgets({ requests, coldStart }: FloorResults): Budget[] {
  const [worker, endToEnd] = [requests.atTheWorker.ratios, requests.endToEnd.ratios];
  const page = (what: string, key: keyof typeof worker, limit: number): Budget => ({
    what: `${what}: median at the worker over the floor's (end to end)`,
    measured: `${worker[key]} (${endToEnd[key]})`,
    budget: `≤ ${limit}`,
    ok: worker[key] <= limit,
  });
  return [
    page("GET /", "GET / over the floor page", FLOOR_PAGE_BUDGET),
    page("GET /login/", "GET /login/ over the floor page", FLOOR_PAGE_BUDGET),
    page("GET /dash/ signed in, against the floor page + query", "GET /dash/ over floor page + floor query", 1),
    {
      what: "cold start: module evaluation CPU over the floor's",
      measured: `${coldStart.ratio} (${coldStart.appMs.median} / ${coldStart.floorMs.median} ms)`,
      budget: `≤ ${COLD_START_BUDGET}`,
      ok: coldStart.ratio <= COLD_START_BUDGET,
    },
  ];
}

/** When and where a run was: date, commit and load (the figures move with the load on a shared machine). */
function runOf(machine: Machine): string {
  const end = machine.loadAverageAtEnd ? ` → ${machine.loadAverageAtEnd.join(" / ")}` : "";
  return `${machine.date.slice(0, 16).replace("T", " ")} UTC at commit ${machine.commit}, load average ${machine.loadAverageAtStart.join(" / ")}${end}`;
}

/** The "Against the floor" section: bench/floor/results.json, from `npm run bench:floor`. */
function renderFloor(floor: FloorResults): string {
  const { requests, coldStart } = floor;
  const names = Object.keys(requests.atTheWorker.ms);
  const cell = (via: typeof requests.atTheWorker, name: string) => {
    const ms = via.ms[name];
    return ms ? `${ms.median} (${ms.min})` : "n/a";
  };
  return [
    "## Against the floor (`npm run bench:floor`)",
    "",
    `Run ${runOf(floor.machine)}. The floor is \`bench/floor/\`: a bare Remix worker (a layout with a header, a page of /login/'s shape with its form, a resource route running one D1 query), built with the app's own \`vite.config.ts\` and node_modules and served by \`wrangler dev\` as \`npm start\` serves the app. ${floor.rounds} rounds of the five requests below, the order rotated each round, each request both at the worker (the user worker's own workerd socket, bypassing wrangler's proxy) and end to end (through wrangler's proxy), all interleaved.`,
    "",
    table(
      ["request", "at the worker, ms: median (min)", "end to end, ms: median (min)"],
      names.map((name) => [name, cell(requests.atTheWorker, name), cell(requests.endToEnd, name)]),
    ),
    "",
    table(
      ["ratio of medians", "at the worker", "end to end"],
      Object.entries(requests.atTheWorker.ratios).map(([what, ratio]) => [
        what,
        ratio,
        requests.endToEnd.ratios[what as keyof typeof requests.endToEnd.ratios],
      ]),
    ),
    "",
    `Cold start: \`wrangler check startup\` CPU profiles of both deploy bundles, ${coldStart.appMs.n} each, alternating (load average ${coldStart.loadAverage.before.join(" / ")} → ${coldStart.loadAverage.after.join(" / ")}): module evaluation ${fmt(coldStart.appMs)} ms for the app against ${fmt(coldStart.floorMs)} ms for the floor, **${coldStart.ratio}×**.`,
  ].join("\n");
}

export function renderSummary(results: BenchResults): string {
  const lines = ["Budgets:"];
  for (const row of budgets(results, null))
    lines.push(`  ${plain(row.ok).padEnd(8)} ${row.what}: ${row.measured} (budget ${row.budget})`);
  lines.push("", "HTTP load (median of runs; p50/p99 in ms):");
  for (const row of results.load ?? []) {
    lines.push(
      `  ${row.name.padEnd(34)} c=${String(row.connections).padEnd(3)} ${row.requestsPerSecond.median.toFixed(0).padStart(5)} req/s  p50 ${row.p50.median.toFixed(1).padStart(6)}  p99 ${row.p99.median.toFixed(1).padStart(6)}  errors ${row.errors + row.unexpectedStatus}`,
    );
  }
  if (results.distance) lines.push("", renderDistanceSummary(results.distance));
  const c = results.coldStart;
  if (c)
    lines.push(
      "",
      `Cold start: first GET /login/ ${fmt(c.toFirstLoginMs, 0)} ms after spawning wrangler dev; module evaluation ${fmt(c.moduleEvaluationCpuMs)} ms CPU`,
    );
  return lines.join("\n");
}

type Cell = string | number;

function table(headers: readonly Cell[], rows: readonly (readonly Cell[])[]): string {
  return [
    `| ${headers.join(" | ")} |`,
    `|${headers.map(() => "---").join("|")}|`,
    ...rows.map((r) => `| ${r.join(" | ")} |`),
  ].join("\n");
}

export function renderMarkdown(results: BenchResults, floor: FloorResults | null): string {
  const { machine, argon2, load, roundTrips, size, coldStart } = results;
  const out: string[] = [];
  out.push("# Benchmark results");
  out.push("");
  out.push(
    `Produced by \`npm run bench\` on ${machine.date.slice(0, 16).replace("T", " ")} UTC at commit ${machine.commit}: Node ${machine.node}, wrangler ${machine.wrangler}, ${machine.cpu}. Load average ${machine.loadAverageAtStart.join(" / ")} at the start and ${machine.loadAverageAtEnd?.join(" / ")} at the end (other work was sharing this 2-core machine; timings move with it)${machine.nice ? `; the bench ran at nice ${machine.nice}, ahead of that other work` : ""}. The whole run took ${results.totalSeconds.toFixed(0)} s.`,
  );
  out.push("");
  out.push(
    "Figures are medians of repeated runs with (min–max). Regenerate with `npm run bench`; `npm run bench:floor` measures against the floor and renders this file again. The record of what was tried for speed, and where one request's time goes, is [docs/performance.md](../docs/performance.md).",
  );
  out.push("");
  out.push("## Budgets");
  out.push("");
  if (floor) out.push(`The rows against the floor are from \`npm run bench:floor\`, run ${runOf(floor.machine)}.`, "");
  out.push(
    table(
      ["what", "measured", "budget", "status"],
      budgets(results, floor).map((r) => [r.what, r.measured, r.budget, mark(r.ok)]),
    ),
  );
  if (floor) out.push("", renderFloor(floor));

  if (argon2) {
    out.push("", "## Password hashing (argon2id, m=19456 KiB, t=2, p=1)", "");
    out.push(
      table(
        ["", "hash, ms", "verify, ms"],
        [
          [
            "workerd: our wasm SIMD kernel (app/passwords/argon2/) via app/passwords/password.server.ts",
            fmt(argon2.workerd.hash),
            fmt(argon2.workerd.verify),
          ],
          ["Node: @node-rs/argon2 (native)", fmt(argon2.native.hash), fmt(argon2.native.verify)],
          ["ratio workerd / native (medians)", argon2.ratio.hash.toFixed(2), argon2.ratio.verify.toFixed(2)],
          [
            "ratio workerd / native (minima: the least-disturbed samples)",
            argon2.ratioOfMinima.hash.toFixed(2),
            argon2.ratioOfMinima.verify.toFixed(2),
          ],
          [
            "cross-check: workerd, one request per operation minus a no-op request",
            fmt(argon2.perRequest.hash),
            fmt(argon2.perRequest.verify),
          ],
        ],
      ),
    );
    out.push("");
    out.push(
      `Method: ${argon2.workerd.hash.n} hashes and ${argon2.workerd.verify.n} verifies in workerd by the bench worker (bench/worker.ts, which imports the app's own password module). workerd's clock advances only across I/O, so the worker awaits a timer before and after each operation and reads Date.now() after each (1 ms resolution). Native: @node-rs/argon2 hashSync/verifySync in the bench process, interleaved with the workerd ones in rounds of ${argon2.workerd.hash.n / 3}. Cross-check: each operation as one request timed from Node minus the median round trip of a no-op request (${argon2.noopRoundTripMs.toFixed(2)} ms), which also carries wrangler's proxy and scheduling jitter. The first hash in a fresh isolate (wasm instantiation, unoptimised code) took ${argon2.firstHashMs.toFixed(1)} ms from outside.${argon2.module ? ` The kernel (${argon2.module.path}) is ${argon2.module.bytes} bytes, ${argon2.module.gzipBytes} gzipped.` : ""}`,
    );
  }

  if (load) {
    out.push("", "## HTTP load (autocannon, loopback)", "");
    out.push(
      table(
        ["request", "connections", "requests/s", "p50 ms", "p99 ms", "errors + unexpected status"],
        load.map((r) => [
          r.name,
          r.connections,
          fmt(r.requestsPerSecond, 0),
          fmt(r.p50, 2),
          fmt(r.p99, 2),
          `${r.errors + r.unexpectedStatus} of ${r.requests}`,
        ]),
      ),
    );
    out.push("");
    const login = load.find((r) => r.name.startsWith("POST"));
    out.push(
      `Each row: ${load[0]?.repeats} runs of ${load[0]?.durationSeconds} s (logins: ${login?.durationSeconds} s). Latency is autocannon's per-response time (hrtime). GET /dash/ uses a session minted through the login form. Each login POST carries its own fresh cookie and CSRF token (from a GET /login/ made before the run) and the credentials of one of ${results.settings.users} users registered through the form; a login is counted only when it answers 303${login?.loginPairsReused ? ` (${login.loginPairsReused} pairs had to be reused)` : ""}. The server is \`wrangler dev\` (workerd on one thread plus wrangler's local proxy), on the same 2 cores as autocannon. One isolate runs its requests' JavaScript one at a time, so 16 concurrent logins hash back to back and finish together: their latency is about 16 logins' CPU, and their throughput is that of one core. Between runs the bench waits until the worker answers again, so no run starts behind the last one's abandoned requests.`,
    );
  }

  if (roundTrips) {
    out.push("", "## D1 round trips per request", "");
    out.push(
      table(
        ["request", "status", "round trips", "statements", "budget"],
        roundTrips.map((r) => [
          r.request,
          r.status,
          r.roundTrips,
          r.statements,
          r.budget === null ? "–" : `≤ ${r.budget} (${plain(r.withinBudget)})`,
        ]),
      ),
    );
    out.push("");
    out.push(
      "Counted by bench/worker.ts, which hands the app a proxy of env.DB: each executed statement, `batch()` or `exec()` is one round trip (a batch of three statements is one).",
    );
  }

  if (results.distance) {
    out.push("", "## Distance from the database", "");
    if (results.distance.machine)
      out.push(`Run on its own (\`npm run bench:distance\`${distanceRun(results.distance)}).`, "");
    out.push(distanceTable(results.distance));
    out.push("");
    out.push(
      `Time to first byte in ms, median of ${results.distance.samples} sequential requests (min–max), with every D1 round trip delayed by N ms in the bench worker (bench/worker.ts, header \`X-Bench-D1-Delay-Ms\`): the database as seen by a user N ms away from the D1 instance that answers. The requests are interleaved, one at a time; each login POST carries a fresh cookie and CSRF token. The bench worker buffers each body to count the round trips made while streaming, so first byte here is close to last byte. \`npm run bench:distance\` runs only this part (about a minute).`,
    );
  }

  if (size) {
    out.push("", "## Size", "");
    const w = size.worker;
    out.push(
      `Worker upload (\`wrangler deploy --dry-run --outdir\`, minified): **${w.rawKiB} KiB raw, ${w.gzipKiB} KiB gzipped** (gzip -9 per file: ${w.files.map((f) => `${f.name} ${f.rawKiB} / ${f.gzipKiB} KiB`).join(", ")}).${w.wrangler ? ` wrangler's own figure: ${w.wrangler.totalKiB} KiB / gzip ${w.wrangler.gzipKiB} KiB.` : ""}`,
    );
    out.push("", "Largest inputs of worker.js (esbuild metafile, bytes in the minified output):", "");
    out.push(
      table(
        ["input", "KiB"],
        size.largestInputs.map((m) => [m.path, m.KiB]),
      ),
    );
    if (size.byPackageSkipped)
      out.push(
        "",
        `(The per-package breakdown was skipped: ${size.byPackageSkipped}. \`BENCH_BREAKDOWN=1 npm run bench\` forces it.)`,
      );
    if (size.byPackage) {
      out.push(
        "",
        "The same bytes by package (worker.js source map chained through a server build with source maps):",
        "",
      );
      out.push(
        table(
          ["package", "KiB"],
          size.byPackage.map((m) => [m.owner, m.KiB]),
        ),
      );
    }
    out.push(
      "",
      "Client JS loaded by a first visit to each page (entry, route modules and their imports; gzip -9):",
      "",
    );
    out.push(
      table(
        ["page", "files", "raw KiB", "gzip KiB"],
        Object.entries(size.client.pages).map(([page, p]) => [page, p.files, p.rawKiB, p.gzipKiB]),
      ),
    );
  }

  if (coldStart) {
    out.push("", "## Cold start", "");
    out.push(
      table(
        ["", "ms"],
        [
          ["spawn `wrangler dev` (built app) → first 200 on GET /login/", fmt(coldStart.toFirstLoginMs, 0)],
          ["  of which: until wrangler prints Ready", fmt(coldStart.readyMs, 0)],
          ["  of which: the first GET /login/ itself", fmt(coldStart.firstRequestMs, 1)],
          [
            "module evaluation in workerd (CPU, `wrangler check startup` profile)",
            fmt(coldStart.moduleEvaluationCpuMs, 1),
          ],
          ["  profile span, including idle", fmt(coldStart.profileSpanMs, 1)],
          [
            `compiling argon2.wasm (${(coldStart.wasmCompileInNode.bytes / 1024).toFixed(1)} KiB) in Node's V8`,
            fmt(coldStart.wasmCompileInNode.ms, 2),
          ],
          [
            "`npm start` (build + migrate + wrangler dev) → first 200 on GET /login/",
            (results.startToFirstLoginMs ?? 0).toFixed(0),
          ],
        ],
      ),
    );
    out.push("");
    out.push(
      "Module evaluation is the CPU the deploy bundle's startup phase takes in workerd (parsing and top-level code of every module, including React DOM's server renderer, drizzle, zod and the common-password list); the argon2 wasm is compiled with the script but instantiated on first use, not at module scope. The spawn-to-first-request time is dominated by wrangler itself (bundling with esbuild, starting workerd and its proxy), not by the worker.",
    );
  }
  out.push("", "## Stage times (s)", "");
  out.push(
    table(
      ["stage", "s"],
      Object.entries(results.stageSeconds).map(([k, v]) => [k, v.toFixed(1)]),
    ),
  );
  out.push("");
  return out.join("\n");
}

/** When the distance bench ran on its own (`--distance-only`): its date, commit and load. */
function distanceRun(distance: DistanceResults): string {
  const m = distance.machine;
  return m ? `, run ${m.date.slice(0, 10)} at commit ${m.commit}, load average ${m.loadAverageAtStart[0]}` : "";
}

/** Requests down, distances across: TTFB medians, and the round trips each request made. */
function distanceTable(distance: DistanceResults): string {
  const delays = [...new Set(distance.rows.map((r) => r.delayMs))];
  const requests = [...new Set(distance.rows.map((r) => r.request))];
  return table(
    ["request", "D1 round trips", ...delays.map((d) => `N = ${d} ms`)],
    requests.map((request) => {
      const cells = delays.map((d) => distanceRow(distance.rows, request, d));
      return [request, cells[0]?.roundTrips ?? "–", ...cells.map((r) => fmt(r.ttfbMs))];
    }),
  );
}

export function renderDistanceSummary(distance: DistanceResults): string {
  const lines = ["Distance (TTFB ms, median; every D1 round trip delayed by N ms):"];
  for (const row of distance.rows)
    lines.push(
      `  N=${String(row.delayMs).padEnd(4)} ${row.request.padEnd(24)} ${row.ttfbMs.median.toFixed(1).padStart(7)} ms  round trips ${row.roundTrips}`,
    );
  for (const row of distance.budgets)
    lines.push(`  ${plain(row.ok).padEnd(8)} ${row.what}: ${row.measured} (budget ${row.budget})`);
  return lines.join("\n");
}
