// `npm run bench:floor`: the app against the floor (bench/floor/, a bare Remix worker built with the
// app's vite.config.ts), in one run, requests interleaved, each figure a ratio to the floor's:
// - both served by `wrangler dev` as `npm start` serves the app, each request sent at the worker (the
//   user worker's own workerd socket) and end to end (through wrangler's proxy), all interleaved;
// - cold start: `wrangler check startup` CPU profiles of both bundles, alternating.
// Writes bench/floor/results.json and renders bench/results.md again, whose "Against the floor" shows it.
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { freePort } from "../../harness/ports.ts";
import { root, run, start, stop, stopChildrenOnSignal, waitFor } from "../../harness/processes.ts";
import { median, round, type Summary, summarise } from "../../harness/stats.ts";
import { benchUser, register, signIn } from "../lib/browser.ts";
import { machine } from "../lib/machine.ts";
import type { Machine } from "../lib/results.ts";
import { analyseProfile } from "../lib/startup.ts";

stopChildrenOnSignal();

const floorDir = join(root, "bench/floor");
const ROUNDS = Number(process.env.FLOOR_ROUNDS ?? 150);
const STARTUPS = Number(process.env.FLOOR_STARTUPS ?? 5);
const work = mkdtempSync(join(tmpdir(), "edge-auth-floor-"));
const load = () => loadavg().map((value) => round(value, 2));

type AppName = "app" | "floor";
/** Each worker's folder and config. */
const apps: Record<AppName, { dir: string; config: string }> = {
  app: { dir: root, config: join(root, "wrangler.toml") },
  floor: { dir: floorDir, config: join(floorDir, "wrangler.toml") },
};

/**
 * Builds a worker as `npm start` does, then its deploy bundle (worker.bundle) for `wrangler check startup`;
 * returns the bundle's folder.
 */
function build(name: AppName): string {
  const { dir, config } = apps[name];
  const viteConfig = join(root, "vite.config.ts");
  run("npx", ["remix", "vite:build", "--config", viteConfig], { cwd: dir, env: { NODE_ENV: "production" } });
  const outdir = join(work, `${name}-bundle`);
  run(
    "npx",
    [
      ...["wrangler", "deploy", "--dry-run", "--config", config, "--outdir", outdir],
      ...["--outfile", join(outdir, "worker.bundle")],
    ],
    { cwd: dir },
  );
  return outdir;
}

/** A worker being served: wrangler's proxy (`origin`) and the user worker's own socket. */
type Served = { origin: string; workerOrigin: string; close: () => Promise<void> };

/**
 * Served as `npm start` serves the app: `wrangler dev` on the built worker (the floor with its own
 * config). Two origins: wrangler's proxy (end to end) and the user worker's own workerd socket (at
 * the worker), which wrangler names in its debug log.
 */
async function serve(name: AppName, persist: string): Promise<Served> {
  const { config } = apps[name];
  // The floor's one query needs no table.
  if (name === "app") run("npx", ["wrangler", "d1", "migrations", "apply", "DB", "--local", "--persist-to", persist]);
  const port = await freePort();
  const origin = `http://127.0.0.1:${port}`;
  // Set by onOutput below, once wrangler names it (`as`: not narrowed to null for good by this line).
  let workerOrigin = null as string | null;
  const child = start(
    "npx",
    [
      ...["wrangler", "dev", "--config", config, "--port", String(port), "--ip", "127.0.0.1"],
      ...["--inspector-port", String(await freePort()), "--persist-to", persist],
      ...["--show-interactive-dev-session=false", "--var", `APP_ORIGIN:${origin}`, "--var", "RATE_LIMITS:off"],
    ],
    {
      env: { WRANGLER_LOG: "debug" },
      onOutput: (text: string) => {
        const port = /"userWorkerUrl":\{[^}]*"port":"(\d+)"/.exec(text)?.[1];
        if (port) workerOrigin = `http://127.0.0.1:${port}`;
      },
    },
  );
  await waitFor(`${origin}/login/`, { child, timeoutMs: 180_000 });
  if (!workerOrigin) throw new Error(`${name}: wrangler's debug log named no user worker socket`);
  return { origin, workerOrigin, close: () => stop(child) };
}

/** A signed-in cookie for /dash/: a user registered and signed in through the forms. */
async function signedInCookie(origin: string) {
  const user = benchUser(0, `floor-${Date.now()}`);
  await register(origin, user);
  const { browser } = await signIn(origin, user);
  return browser.cookieHeader();
}

async function timed(origin: string, path: string, cookie?: string) {
  const t0 = performance.now();
  const response = await fetch(origin + path, { headers: cookie ? { Cookie: cookie } : {}, redirect: "manual" });
  await response.arrayBuffer();
  const ms = performance.now() - t0;
  if (response.status !== 200) throw new Error(`${origin}${path} answered ${response.status}`);
  return ms;
}

const PAGE = "floor GET /login/ (page)";
const QUERY = "floor GET /query (one D1 query)";

function ratios(s: Record<string, Summary>) {
  const median = (name: string) => {
    const summary = s[name];
    if (!summary) throw new Error(`no timings of ${name}`);
    return summary.median;
  };
  const page = median(PAGE);
  const query = median(QUERY);
  return {
    "GET / over the floor page": round(median("app GET /") / page),
    "GET /login/ over the floor page": round(median("app GET /login/") / page),
    "GET /dash/ over floor page + floor query": round(median("app GET /dash/ (signed in)") / (page + query)),
  };
}

type Via = "atTheWorker" | "endToEnd";
type Target = { via: Via; name: string; origin: string; path: string; cookie?: string; times: number[] };

/** The five requests at both origins, one after another in each round, the order rotated every round. */
async function interleaved(app: Served, floor: Served) {
  const cookie = await signedInCookie(app.origin);
  const requests: [name: string, server: Served, path: string, cookie?: string][] = [
    ["app GET /", app, "/"],
    ["app GET /login/", app, "/login/"],
    ["app GET /dash/ (signed in)", app, "/dash/", cookie],
    [PAGE, floor, "/login/"],
    [QUERY, floor, "/query"],
  ];
  // Each request at each origin, with the times it took.
  const targets: Target[] = requests.flatMap(([name, server, path, c]): Target[] => [
    { via: "atTheWorker", name, origin: server.workerOrigin, path, cookie: c, times: [] },
    { via: "endToEnd", name, origin: server.origin, path, cookie: c, times: [] },
  ]);
  for (let warm = 0; warm < 20; warm++) for (const t of targets) await timed(t.origin, t.path, t.cookie);
  for (let roundIndex = 0; roundIndex < ROUNDS; roundIndex++) {
    // The order rotated by one each round.
    const shift = roundIndex % targets.length;
    for (const t of [...targets.slice(shift), ...targets.slice(0, shift)]) {
      t.times.push(await timed(t.origin, t.path, t.cookie));
    }
  }
  const figures = (via: Via) => {
    const s = Object.fromEntries(targets.filter((t) => t.via === via).map((t) => [t.name, summarise(t.times)]));
    return {
      ms: Object.fromEntries(Object.entries(s).map(([k, v]) => [k, { median: round(v.median), min: round(v.min) }])),
      ratios: ratios(s),
    };
  };
  return { atTheWorker: figures("atTheWorker"), endToEnd: figures("endToEnd") };
}

async function pages() {
  const app = await serve("app", join(work, "app-d1"));
  try {
    const floor = await serve("floor", join(work, "floor-d1"));
    try {
      const loadBefore = load();
      return { ...(await interleaved(app, floor)), loadAverage: { before: loadBefore, after: load() } };
    } finally {
      await floor.close();
    }
  } finally {
    await app.close();
  }
}

/** Module evaluation at startup (CPU of `wrangler check startup`'s profile), app and floor alternating. */
function coldStarts(bundles: Record<AppName, string>) {
  const cpu: Record<AppName, number[]> = { app: [], floor: [] };
  const loadBefore = load();
  for (let i = 0; i < STARTUPS; i++) {
    for (const name of ["app", "floor"] as const) {
      const file = join(work, `${name}-startup-${i}.cpuprofile`);
      run(
        "npx",
        ["wrangler", "check", "startup", "--worker", join(bundles[name], "worker.bundle"), "--outfile", file],
        {
          cwd: apps[name].dir,
        },
      );
      cpu[name].push(analyseProfile(file).cpuMs);
    }
  }
  return {
    appMs: summarise(cpu.app.map((v) => round(v))),
    floorMs: summarise(cpu.floor.map((v) => round(v))),
    ratio: round(median(cpu.app) / median(cpu.floor)),
    loadAverage: { before: loadBefore, after: load() },
  };
}

/** bench/floor/results.json: what bench/results.md's "Against the floor" renders (bench/lib/report.ts). */
export type FloorResults = {
  machine: Machine;
  rounds: number;
  requests: Awaited<ReturnType<typeof pages>>;
  coldStart: ReturnType<typeof coldStarts>;
};

try {
  const started = machine();
  const floorBundle = build("floor");
  const appBundle = build("app");
  const requests = await pages();
  const coldStart = coldStarts({ app: appBundle, floor: floorBundle });
  const results: FloorResults = {
    machine: { ...started, loadAverageAtEnd: load() },
    rounds: ROUNDS,
    requests,
    coldStart,
  };
  mkdirSync(floorDir, { recursive: true });
  writeFileSync(join(floorDir, "results.json"), `${JSON.stringify(results, null, 2)}\n`);
  // Formatted as `npm run lint` expects, like bench/results.json.
  run("npx", ["biome", "format", "--write", join(floorDir, "results.json")]);
  console.log(JSON.stringify(results, null, 2));
  // results.md shows these figures beside the last `npm run bench`'s: rendered again with them.
  if (existsSync(join(root, "bench/results.json"))) run("node", [join(root, "bench/run.ts"), "--report-only"]);
} finally {
  rmSync(work, { recursive: true, force: true });
}
