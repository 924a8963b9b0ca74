// `npm run bench`: builds and starts the app exactly as `npm start` does (fresh local D1 in a temp
// folder, RATE_LIMITS=off), then measures password hashing, HTTP latency and throughput, D1 round
// trips, bundle sizes and cold start. Writes bench/results.json and bench/results.md and prints a summary.
// Tunables (environment): BENCH_PORT (the app's port; free ones are picked otherwise), BENCH_DURATION
// (seconds per GET load run, 3), BENCH_LOGIN_DURATION (seconds per login run, 5), BENCH_REPEATS (runs per load scenario, 3), BENCH_BREAKDOWN=0 to skip the
// per-package size breakdown (it rebuilds with server source maps at the end; by default it runs only
// when the bench has taken under 210 s so far, to stay within 5 minutes; BENCH_BREAKDOWN=1 forces it,
// and `node bench/run.ts --breakdown-only` adds it to the last results afterwards). `npm run bench:argon2`
// (`--argon2-only`) builds, starts the bench worker and runs only the argon2 stage: it prints the figures
// with the load average and writes nothing, for iterating on the kernel (app/passwords/argon2/).
// `npm run bench:distance` (`node bench/run.ts --distance-only`) runs only the distance bench (D1
// round trips delayed by 0, 50 and 150 ms; about a minute) and adds it to the last results.
import { appendFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import type autocannon from "autocannon";
import { wranglerDevArgs } from "../harness/app-server.ts";
import { FormClient, formHeaders } from "../harness/http-client.ts";
import { freePort } from "../harness/ports.ts";
import { fetchStatus, root, run, start, stop, stopAll, stopChildrenOnSignal, waitFor } from "../harness/processes.ts";
import { summarise } from "../harness/stats.ts";
import type { FloorResults } from "./floor/compare.ts";
import { measureArgon2 } from "./lib/argon2.ts";
import { bytesByPackage } from "./lib/breakdown.ts";
import { type BenchUser, benchUser, freshLoginPair, pool, register, signIn } from "./lib/browser.ts";
import { measureDistance } from "./lib/distance.ts";
import { type LoadResult, loadRun } from "./lib/load.ts";
import { machine } from "./lib/machine.ts";
import { renderDistanceSummary, renderMarkdown, renderSummary } from "./lib/report.ts";
import type { BenchResults, LoadRow, RoundTripRow, SizeResults } from "./lib/results.ts";
import { bundleWorker, clientJsPerPage, largestInputs } from "./lib/size.ts";
import { measureStartup } from "./lib/startup.ts";

/** Writes results.md from the results (and the floor's, when it has run); results.json formatted as `npm run lint` expects. */
function writeReports(results: BenchResults) {
  writeFileSync(join(root, "bench/results.md"), renderMarkdown(results, readFloor()));
  run("npx", ["biome", "format", "--write", "--no-errors-on-unmatched", "bench/results.json"]);
}

/** The last results.json. */
function readResults(): BenchResults {
  return JSON.parse(readFileSync(join(root, "bench/results.json"), "utf8")) as BenchResults;
}

// `node bench/run.ts --report-only`: re-render results.md from results.json (and bench/floor/results.json).
if (process.argv.includes("--report-only")) {
  const results = readResults();
  writeReports(results);
  console.log(renderSummary(results));
  process.exit(0);
}

/** Which packages the worker's bytes come from: rebuilds with server source maps (replacing build/). */
function sizeByPackage(outdir: string) {
  run("npx", ["remix", "vite:build", "--sourcemapServer"], { log });
  bundleWorker(outdir, log);
  return bytesByPackage(outdir).slice(0, 15);
}

// Free ports picked now: other people run wrangler dev on this machine too. BENCH_PORT fixes the app's.
stopChildrenOnSignal();

const ports = {
  app: Number(process.env.BENCH_PORT ?? (await freePort())),
  bench: await freePort(),
  cold: await freePort(),
};
const inspector = { app: await freePort(), bench: await freePort(), cold: await freePort() };
const durationSeconds = Number(process.env.BENCH_DURATION ?? 3);
const loginDurationSeconds = Number(process.env.BENCH_LOGIN_DURATION ?? 5);
const repeats = Number(process.env.BENCH_REPEATS ?? 3);
const breakdown = process.env.BENCH_BREAKDOWN ?? "auto";
const USERS = 24;

const work = mkdtempSync(join(tmpdir(), "edge-auth-bench-"));
const persist = join(work, "d1");
const logFile = join(root, "bench/bench.log");
writeFileSync(logFile, "");
const log = (text: string) => appendFileSync(logFile, text.endsWith("\n") ? text : `${text}\n`);
const began = performance.now();
const stageTimes: Record<string, number> = {};

// `node bench/run.ts --breakdown-only`: add the per-package breakdown to the last results.json.
if (process.argv.includes("--breakdown-only")) {
  const results = readResults();
  if (!results.size) throw new Error("bench/results.json has no sizes: run `npm run bench` first");
  const byPackage = sizeByPackage(join(work, "dry-run-maps"));
  results.size.byPackage = byPackage;
  delete results.size.byPackageSkipped;
  writeFileSync(join(root, "bench/results.json"), `${JSON.stringify(results, null, 2)}\n`);
  writeReports(results);
  rmSync(work, { recursive: true, force: true });
  console.log(byPackage.map((row) => `${row.owner}: ${row.KiB} KiB`).join("\n"));
  process.exit(0);
}

async function stage<T>(name: string, task: () => T | Promise<T>): Promise<T> {
  const t0 = performance.now();
  process.stdout.write(`• ${name}… `);
  log(`\n===== ${name} =====`);
  const result = await task();
  const seconds = Math.round(performance.now() - t0) / 1000;
  stageTimes[name] = seconds;
  process.stdout.write(`${seconds.toFixed(1)} s\n`);
  return result;
}

/** Mints what a login POST needs: a fresh anonymous cookie and its CSRF token, one pair per request. */
async function loginPairs(origin: string, count: number) {
  return pool(count, 8, () => freshLoginPair(origin));
}

type Scenario = { name: string; path: string; expect: number; headers?: Record<string, string>; login?: boolean };

async function loadScenarios(origin: string, users: BenchUser[]): Promise<LoadRow[]> {
  const [firstUser] = users;
  if (!firstUser) throw new Error("no users to sign in");
  const signedIn = await signIn(origin, firstUser);
  const dashCookie = signedIn.browser.cookieHeader();
  const check = await new FormClient(origin).fetch("/dash/", { headers: { Cookie: dashCookie } });
  if (check.status !== 200) throw new Error(`the minted session does not open /dash/ (${check.status})`);

  const scenarios: Scenario[] = [
    { name: "GET /", path: "/", expect: 200 },
    { name: "GET /login/", path: "/login/", expect: 200 },
    { name: "GET /dash/ (signed in)", path: "/dash/", expect: 200, headers: { Cookie: dashCookie } },
    { name: "GET /healthcheck/", path: "/healthcheck/", expect: 200 },
    { name: "POST /login/ (valid, fresh CSRF)", path: "/login/", expect: 303, login: true },
  ];
  const results: LoadRow[] = [];
  for (const scenario of scenarios) {
    for (const connections of [1, 16]) {
      const runs: LoadResult[] = [];
      let pairsReused = 0;
      let drainTimeouts = 0;
      // Logins are argon2-bound: 16 at once finish together, so they get longer runs.
      const seconds = scenario.login ? loginDurationSeconds : durationSeconds;
      // Enough fresh pairs for the run; sized from the previous run once there is one (argon2 bounds it).
      let pairsNeeded = Math.ceil(seconds * (connections === 1 ? 60 : 90)) + 20;
      for (let r = 0; r < repeats; r++) {
        let requests: autocannon.Request[] | undefined;
        if (scenario.login) {
          const pairs = await loginPairs(origin, pairsNeeded);
          let next = 0;
          requests = [
            {
              method: "POST",
              path: "/login/",
              setupRequest: (request) => {
                if (next >= pairs.length) pairsReused += 1;
                const pair = pairs[next % pairs.length];
                const user = users[next % users.length];
                next += 1;
                if (!pair || !user) throw new Error("no login pairs or users for the login run");
                return {
                  ...request,
                  headers: { ...formHeaders(origin), Cookie: pair.cookie },
                  body: new URLSearchParams({ csrf: pair.csrf, email: user.email, password: user.password }).toString(),
                };
              },
            },
          ];
        } else {
          // A short warm-up per scenario, not recorded.
          if (r === 0)
            await loadRun({
              url: origin + scenario.path,
              connections: 4,
              durationSeconds: 1,
              expect: scenario.expect,
              headers: scenario.headers,
            });
        }
        const result = await loadRun({
          url: origin + scenario.path,
          connections,
          durationSeconds: seconds,
          expect: scenario.expect,
          headers: scenario.headers,
          requests,
        });
        log(`${scenario.name} c=${connections} run ${r + 1}: ${JSON.stringify(result)}`);
        // autocannon drops its sockets at the deadline, but workerd finishes what it had started (argon2
        // cannot be interrupted): let it drain so the next run doesn't queue behind the last one.
        try {
          await fetchStatus(`${origin}/healthcheck/`, 30_000);
        } catch (error) {
          drainTimeouts += 1;
          log(`drain after ${scenario.name} c=${connections}: ${(error as Error).message}`);
        }
        pairsNeeded = Math.ceil(result.requests * 1.5) + 30;
        runs.push(result);
      }
      results.push({
        name: scenario.name,
        connections,
        durationSeconds: seconds,
        repeats,
        ...(drainTimeouts ? { drainTimeouts } : {}),
        requestsPerSecond: summarise(runs.map((x) => x.requestsPerSecond)),
        p50: summarise(runs.map((x) => x.p50)),
        p99: summarise(runs.map((x) => x.p99)),
        requests: runs.reduce((sum, x) => sum + x.requests, 0),
        errors: runs.reduce((sum, x) => sum + x.errors + x.timeouts, 0),
        unexpectedStatus: runs.reduce((sum, x) => sum + x.unexpectedStatus, 0),
        statuses: runs.map((x) => x.statuses),
        ...(scenario.login ? { loginPairsReused: pairsReused } : {}),
      });
    }
  }
  return results;
}

/** D1 round trips per request type, read from the bench worker's X-Bench-D1-* headers. */
async function roundTrips(origin: string, runId: string): Promise<RoundTripRow[]> {
  const count = (response: Response) => ({
    status: response.status,
    roundTrips: Number(response.headers.get("X-Bench-D1-Round-Trips")),
    statements: Number(response.headers.get("X-Bench-D1-Statements")),
  });
  const user = benchUser("rt", runId);
  const visitor = new FormClient(origin);
  await visitor.get("/register/");
  const registration = count((await visitor.post("/register/", user)).response);
  const loginBrowser = new FormClient(origin);
  const loginPage = count((await loginBrowser.get("/login/")).response);
  const login = count((await loginBrowser.post("/login/", { email: user.email, password: user.password })).response);
  const dash = count((await loginBrowser.get("/dash/")).response);
  const home = count((await loginBrowser.get("/")).response);
  const health = count(await new FormClient(origin).fetch("/healthcheck/"));
  const failing = new FormClient(origin);
  await failing.get("/login/");
  const failedLogin = count(
    (await failing.post("/login/", { email: user.email, password: "wrong password 123" })).response,
  );
  const logout = count((await loginBrowser.post("/logout/", {})).response);
  const rows: Omit<RoundTripRow, "withinBudget">[] = [
    { request: "GET /dash/ (signed in)", ...dash, budget: 1 },
    { request: "GET / (signed in)", ...home, budget: 1 },
    { request: "GET /healthcheck/", ...health, budget: 1 },
    { request: "POST /login/ (success)", ...login, budget: 2 },
    { request: "POST /register/ (success)", ...registration, budget: 2 },
    { request: "GET /login/ (signed out)", ...loginPage, budget: null },
    { request: "POST /login/ (wrong password)", ...failedLogin, budget: null },
    { request: "POST /logout/", ...logout, budget: null },
  ];
  return rows.map((row) => ({ ...row, withinBudget: row.budget === null ? null : row.roundTrips <= row.budget }));
}

/**
 * wrangler dev as `npm start` runs it, on the bench's ports and D1, per-IP limits off; `entry` the bench worker.
 * APP_ORIGIN as `npm start` sets it: a registration sends a confirmation link, and answers 500 without one.
 */
const devArgs = (port: number, inspectorPort: number, entry?: string) =>
  wranglerDevArgs({
    port,
    inspectorPort,
    persistTo: persist,
    vars: { APP_ORIGIN: `http://localhost:${port}`, RATE_LIMITS: "off" },
    entry,
  });

async function argon2Only() {
  const benchOrigin = `http://127.0.0.1:${ports.bench}`;
  await stage("build (remix vite:build)", async () => run("npx", ["remix", "vite:build"], { log }));
  const bench = await stage("start the bench worker (bench/worker.ts)", async () => {
    const child = start("npx", devArgs(ports.bench, inspector.bench, "bench/worker.ts"), { log });
    await waitFor(`${benchOrigin}/__bench/noop`, { child, timeoutMs: 120_000 });
    return child;
  });
  const loadBefore = loadavg();
  const argon2 = await stage("argon2id: workerd vs native", () => measureArgon2(benchOrigin));
  await stop(bench);
  const load = (values: number[]) => values.map((value) => value.toFixed(2)).join(", ");
  console.log(JSON.stringify(argon2, null, 2));
  console.log(`load average before ${load(loadBefore)}, after ${load(loadavg())}`);
}

async function main() {
  // The stage times and the total are added at the end.
  const results: Omit<BenchResults, "stageSeconds" | "totalSeconds"> = {
    machine: machine(),
    settings: { durationSeconds, loginDurationSeconds, repeats, users: USERS },
  };
  const runId = Date.now().toString(36);
  const appOrigin = `http://127.0.0.1:${ports.app}`;
  const benchOrigin = `http://127.0.0.1:${ports.bench}`;
  console.log(`Bench: log in ${logFile}; temp folder ${work}`);

  // 1. `npm start`, exactly: build, migrate a fresh local D1, write .dev.vars, wrangler dev.
  const app = await stage("build and start the app (scripts/start.ts)", async () => {
    const child = start("node", ["scripts/start.ts"], {
      env: { PORT: String(ports.app), INSPECTOR_PORT: String(inspector.app), PERSIST_TO: persist, RATE_LIMITS: "off" },
      log,
    });
    const ms = await waitFor(`${appOrigin}/login/`, { child, timeoutMs: 240_000 });
    results.startToFirstLoginMs = ms;
    return child;
  });

  const users = await stage(`register ${USERS} users through the form`, async () => {
    const list = Array.from({ length: USERS }, (_, i) => benchUser(i, runId));
    await pool(list.length, 4, (i) => register(appOrigin, benchUser(i, runId)));
    return list;
  });

  results.load = await stage("HTTP load (autocannon)", () => loadScenarios(appOrigin, users));

  const size = await stage("sizes (wrangler deploy --dry-run, client manifest)", async (): Promise<SizeResults> => {
    const outdir = join(work, "dry-run");
    const worker = bundleWorker(outdir, log);
    return { worker, largestInputs: largestInputs(outdir), client: clientJsPerPage() };
  });
  results.size = size;
  await stop(app);

  // 2. Cold start of the same worker (no build): wrangler dev as `npm start` runs it, and workerd's startup profile.
  results.coldStart = await stage("cold start (3 × wrangler dev, 3 × startup profile)", () =>
    measureStartup({
      origin: `http://127.0.0.1:${ports.cold}`,
      args: devArgs(ports.cold, inspector.cold),
      outdir: join(work, "startup"),
      bundle: join(work, "dry-run", "worker.bundle"),
      log,
    }),
  );

  // 3. The bench worker (bench/worker.ts): the app behind a counting D1 proxy, plus argon2 timing routes.
  const bench = await stage("start the bench worker (bench/worker.ts)", async () => {
    const child = start("npx", devArgs(ports.bench, inspector.bench, "bench/worker.ts"), { log });
    await waitFor(`${benchOrigin}/__bench/noop`, { child, timeoutMs: 120_000 });
    return child;
  });
  results.argon2 = await stage("argon2id: workerd vs native", () => measureArgon2(benchOrigin));
  results.roundTrips = await stage("D1 round trips per request", () => roundTrips(benchOrigin, runId));
  results.distance = await stage("distance: D1 round trips delayed by 0, 50, 150 ms", () =>
    measureDistance(benchOrigin, runId),
  );
  await stop(bench);

  // 4. Which packages the worker's bytes come from (rebuilds with server source maps; last, as it replaces build/).
  const elapsed = (performance.now() - began) / 1000;
  if (breakdown === "1" || (breakdown === "auto" && elapsed < 210)) {
    size.byPackage = await stage("size breakdown by package (build with server source maps)", async () =>
      sizeByPackage(join(work, "dry-run-maps")),
    );
  } else {
    size.byPackageSkipped =
      breakdown === "0" ? "BENCH_BREAKDOWN=0" : `the bench had already taken ${elapsed.toFixed(0)} s`;
  }

  results.machine.loadAverageAtEnd = loadavg().map((value) => Math.round(value * 100) / 100);
  const finished: BenchResults = {
    ...results,
    stageSeconds: stageTimes,
    totalSeconds: Math.round(performance.now() - began) / 1000,
  };
  writeFileSync(join(root, "bench/results.json"), `${JSON.stringify(finished, null, 2)}\n`);
  writeReports(finished);
  console.log(`\n${renderSummary(finished)}`);
  console.log(`Wrote bench/results.json and bench/results.md in ${finished.totalSeconds.toFixed(0)} s.`);
}

/** The last `npm run bench:floor` figures (bench/floor/results.json), when it has run. */
function readFloor(): FloorResults | null {
  const file = join(root, "bench/floor/results.json");
  return existsSync(file) ? (JSON.parse(readFileSync(file, "utf8")) as FloorResults) : null;
}

// A bench that hangs (a server that stops answering) must still end, and take its servers with it.
const watchdog = setTimeout(() => {
  console.error(`\nBench: still running after 15 minutes; stopping. See ${logFile}`);
  stopAll().finally(() => process.exit(1));
}, 15 * 60_000);
watchdog.unref();

/** `--distance-only`: build, a fresh local D1, the bench worker, the distance bench; merged into the last results. */
async function distanceOnly() {
  const runId = Date.now().toString(36);
  const benchOrigin = `http://127.0.0.1:${ports.bench}`;
  console.log(`Bench (distance only): log in ${logFile}`);
  await stage("build, migrate a fresh local D1", async () => {
    run("node", ["scripts/dev-vars.ts"], { log });
    run("npx", ["remix", "vite:build"], { env: { NODE_ENV: "production" }, log });
    run("npx", ["wrangler", "d1", "migrations", "apply", "DB", "--local", "--persist-to", persist], { log });
  });
  const bench = await stage("start the bench worker (bench/worker.ts)", async () => {
    const child = start("npx", devArgs(ports.bench, inspector.bench, "bench/worker.ts"), { log });
    await waitFor(`${benchOrigin}/__bench/noop`, { child, timeoutMs: 120_000 });
    return child;
  });
  const distance = await stage("distance: D1 round trips delayed by 0, 50, 150 ms", () =>
    measureDistance(benchOrigin, runId),
  );
  await stop(bench);
  const results = readResults();
  results.distance = {
    ...distance,
    machine: { ...machine(), loadAverageAtEnd: loadavg().map((v) => Math.round(v * 100) / 100) },
  };
  writeFileSync(join(root, "bench/results.json"), `${JSON.stringify(results, null, 2)}\n`);
  writeReports(results);
  console.log(`\n${renderDistanceSummary(results.distance)}`);
}

try {
  if (process.argv.includes("--distance-only")) await distanceOnly();
  else if (process.argv.includes("--argon2-only")) await argon2Only();
  else await main();
} catch (error) {
  console.error(`\nBench failed: ${(error instanceof Error && error.stack) || error}\nSee ${logFile}`);
  process.exitCode = 1;
} finally {
  await stopAll();
  rmSync(work, { recursive: true, force: true });
}
