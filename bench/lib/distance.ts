// The distance bench: the app as a user far from its D1 primary sees it. The bench worker delays
// every D1 round trip by N ms (`X-Bench-D1-Delay-Ms`), and time to first byte is measured from
// Node for the requests whose cost is round trips: a signed-in page, a login, the healthcheck and a
// signed-out page. Sequential requests (one at a time, interleaved), so each figure is one request's
// latency, not a queue's.
import { performance } from "node:perf_hooks";
import { formHeaders } from "../../harness/http-client.ts";
import type { Summary } from "../../harness/stats.ts";
import { median, summarise } from "../../harness/stats.ts";
import { benchUser, freshLoginPair, register, signIn } from "./browser.ts";
import type { Budget, Machine } from "./results.ts";

const DISTANCES_MS = [0, 50, 150];
/** Rendering and scheduling noise allowed on top of the round trips a budget grants. */
const TOLERANCE_MS = 10;

const REQUESTS = [
  "GET /dash/ (signed in)",
  "POST /login/ (success)",
  "GET /healthcheck/",
  "GET / (signed out)",
] as const;
type DistanceRequest = (typeof REQUESTS)[number];

/** One request at one distance: what it measured. */
export type DistanceRow = {
  request: string;
  delayMs: number;
  ttfbMs: Summary;
  roundTrips: number;
  serverTiming: string | null;
};

export type DistanceResults = {
  samples: number;
  warmup: number;
  toleranceMs: number;
  rows: DistanceRow[];
  budgets: Budget[];
  /** Set when the distance bench ran on its own (`--distance-only`): where and when. */
  machine?: Machine;
};

type Timed = { status: number; ttfbMs: number; roundTrips: number; serverTiming: string | null };

/** One timed request: TTFB (fetch resolves on the response headers) and the D1 round trips it made. */
async function timed(origin: string, path: string, init: RequestInit): Promise<Timed> {
  const started = performance.now();
  const response = await fetch(new URL(path, origin), { redirect: "manual", ...init });
  const ttfbMs = performance.now() - started;
  await response.arrayBuffer();
  return {
    status: response.status,
    ttfbMs,
    roundTrips: Number(response.headers.get("X-Bench-D1-Round-Trips")),
    serverTiming: response.headers.get("Server-Timing"),
  };
}

export async function measureDistance(
  origin: string,
  runId: string,
  { samples = 12, warmup = 2 } = {},
): Promise<DistanceResults> {
  const user = benchUser("distance", runId);
  await register(origin, user);
  const { browser } = await signIn(origin, user);
  const dashCookie = browser.cookieHeader();

  const send = async (request: DistanceRequest, delayMs: number): Promise<Timed> => {
    const delay = { "X-Bench-D1-Delay-Ms": String(delayMs) };
    switch (request) {
      case "GET /dash/ (signed in)":
        return timed(origin, "/dash/", { headers: { ...delay, Cookie: dashCookie } });
      case "POST /login/ (success)": {
        const pair = await freshLoginPair(origin);
        const body = new URLSearchParams({ csrf: pair.csrf, email: user.email, password: user.password });
        return timed(origin, "/login/", {
          method: "POST",
          body,
          headers: { ...delay, ...formHeaders(origin), Cookie: pair.cookie },
        });
      }
      case "GET /healthcheck/":
        return timed(origin, "/healthcheck/", { headers: delay });
      default:
        return timed(origin, "/", { headers: delay });
    }
  };
  const expected: Partial<Record<DistanceRequest, number>> = { "POST /login/ (success)": 303 };

  const rows: DistanceRow[] = [];
  for (const delayMs of DISTANCES_MS) {
    const seen = Object.fromEntries(REQUESTS.map((request) => [request, [] as Timed[]])) as Record<
      DistanceRequest,
      Timed[]
    >;
    for (let i = 0; i < warmup + samples; i++) {
      for (const request of REQUESTS) {
        const result = await send(request, delayMs);
        const want = expected[request] ?? 200;
        if (result.status !== want) throw new Error(`${request} at ${delayMs} ms answered ${result.status}`);
        if (i >= warmup) seen[request].push(result);
      }
    }
    for (const request of REQUESTS) {
      const results = seen[request];
      rows.push({
        request,
        delayMs,
        ttfbMs: summarise(results.map((r) => r.ttfbMs)),
        roundTrips: median(results.map((r) => r.roundTrips)),
        serverTiming: results.at(-1)?.serverTiming ?? null,
      });
    }
  }
  return { samples, warmup, toleranceMs: TOLERANCE_MS, rows, budgets: distanceBudgets(rows) };
}

/** The row of `request` at `delayMs`; throws when the results lack it. */
export function distanceRow(rows: readonly DistanceRow[], request: string, delayMs: number): DistanceRow {
  const row = rows.find((r) => r.request === request && r.delayMs === delayMs);
  if (!row) throw new Error(`no distance figures for ${request} at ${delayMs} ms`);
  return row;
}

/** The budgets, per distance: each with what was measured. */
function distanceBudgets(rows: readonly DistanceRow[]): Budget[] {
  const budgets: Budget[] = [];
  const login0 = distanceRow(rows, "POST /login/ (success)", 0);
  const gapAt = (delayMs: number) =>
    distanceRow(rows, "GET /dash/ (signed in)", delayMs).ttfbMs.median -
    distanceRow(rows, "GET / (signed out)", delayMs).ttfbMs.median;
  // At N = 0 the gap is one local round trip plus the dashboard's own rendering; farther away, one
  // round trip costs N more than that.
  const gap0 = gapAt(0);
  for (const delayMs of DISTANCES_MS) {
    const home = distanceRow(rows, "GET / (signed out)", delayMs);
    const login = distanceRow(rows, "POST /login/ (success)", delayMs);
    const gap = gapAt(delayMs);
    budgets.push({
      what: `N = ${delayMs} ms: signed-in page (GET /dash/) minus signed-out page (GET /)`,
      measured: `${gap.toFixed(1)} ms`,
      budget:
        delayMs === 0
          ? `≤ ${TOLERANCE_MS} ms (one local round trip and rendering)`
          : `≤ 1 round trip: N + the N = 0 gap (${gap0.toFixed(1)} ms) + ${TOLERANCE_MS} ms`,
      ok: delayMs === 0 ? gap <= TOLERANCE_MS : gap <= delayMs + gap0 + TOLERANCE_MS,
    });
    if (delayMs > 0) {
      const added = login.ttfbMs.median - login0.ttfbMs.median;
      budgets.push({
        what: `N = ${delayMs} ms: login (POST /login/) over its own time at N = 0 (hash included)`,
        measured: `+${added.toFixed(1)} ms`,
        budget: `≤ 2 round trips (${2 * delayMs} ms) + ${TOLERANCE_MS} ms`,
        ok: added <= 2 * delayMs + TOLERANCE_MS,
      });
    }
    budgets.push({
      what: `N = ${delayMs} ms: D1 round trips of a signed-out page (GET /)`,
      measured: String(home.roundTrips),
      budget: "0",
      ok: home.roundTrips === 0,
    });
  }
  return budgets;
}
