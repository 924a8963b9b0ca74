// The shape of bench/results.json: what `npm run bench` measures (bench/run.ts) and the reports render
// (report.ts). Every part but the machine, the settings and the stage times may be missing from a
// results file that a partial run (`--distance-only`, `--breakdown-only`) or an older bench wrote.
import type { Summary } from "../../harness/stats.ts";
import type { Argon2Results } from "./argon2.ts";
import type { bytesByPackage } from "./breakdown.ts";
import type { DistanceResults } from "./distance.ts";
import type { bundleWorker, clientJsPerPage, largestInputs } from "./size.ts";
import type { measureStartup } from "./startup.ts";

/** A budget with what was measured; `ok` null when the budget is a judgement, not a number. */
export type Budget = { what: string; measured: string; budget: string; ok: boolean | null };

/** Where and when the bench ran. */
export type Machine = {
  date: string;
  commit: string;
  node: string;
  cpu: string;
  loadAverageAtStart: number[];
  /** The bench's nice value. */
  nice: number;
  wrangler: string;
  loadAverageAtEnd?: number[];
};

/** One load scenario at one concurrency, over its repeated runs. */
export type LoadRow = {
  name: string;
  connections: number;
  durationSeconds: number;
  repeats: number;
  /** Runs after which the worker did not answer again within 30 s. */
  drainTimeouts?: number;
  requestsPerSecond: Summary;
  p50: Summary;
  p99: Summary;
  requests: number;
  errors: number;
  unexpectedStatus: number;
  /** Responses per status code, one record per run. */
  statuses: Record<string, number>[];
  /** Logins only: how many cookie and CSRF pairs had to be sent twice. */
  loginPairsReused?: number;
};

/** The D1 round trips one request made, against its budget (null: none). */
export type RoundTripRow = {
  request: string;
  status: number;
  roundTrips: number;
  statements: number;
  budget: number | null;
  withinBudget: boolean | null;
};

export type SizeResults = {
  worker: ReturnType<typeof bundleWorker>;
  largestInputs: ReturnType<typeof largestInputs>;
  client: ReturnType<typeof clientJsPerPage>;
  byPackage?: ReturnType<typeof bytesByPackage>;
  /** Why the per-package breakdown is missing. */
  byPackageSkipped?: string;
};

export type BenchResults = {
  machine: Machine;
  settings: { durationSeconds: number; loginDurationSeconds: number; repeats: number; users: number };
  startToFirstLoginMs?: number;
  load?: LoadRow[];
  size?: SizeResults;
  coldStart?: Awaited<ReturnType<typeof measureStartup>>;
  argon2?: Argon2Results;
  roundTrips?: RoundTripRow[];
  distance?: DistanceResults;
  stageSeconds: Record<string, number>;
  totalSeconds: number;
};
