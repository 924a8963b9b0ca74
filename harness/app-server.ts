// Serving the app locally, one way for everyone: `npm start` (scripts/start.ts), the browser tests'
// global setup, the bench and the deploy dry-run's healthcheck all build, migrate and run
// `wrangler dev` through these functions, and wait for /healthcheck/ the same way.
import type { ChildProcess } from "node:child_process";
import { freePort } from "./ports.ts";
import { run, start, stop, waitFor } from "./processes.ts";

type Log = (text: string) => void;

export type ServeOptions = {
  port: number;
  /** wrangler's devtools port: its default (9229) is taken when another wrangler dev runs here. */
  inspectorPort: number;
  /** A folder for the local D1 (a fresh one starts from an empty database); wrangler's own otherwise. */
  persistTo?: string;
  /** A wrangler.toml environment (`--env staging`), as the deploy dry run serves it. */
  env?: string;
  /** Variables set on the command line, over wrangler.toml's and .dev.vars'. */
  vars?: Record<string, string>;
  /** Another entry than wrangler.toml's main (the bench's instrumented worker). */
  entry?: string;
};

/** `wrangler dev`'s arguments (after `npx`) for the built app on 127.0.0.1. */
export function wranglerDevArgs({ port, inspectorPort, persistTo, env, vars = {}, entry }: ServeOptions): string[] {
  return [
    "wrangler",
    "dev",
    ...(entry ? [entry] : []),
    "--port",
    String(port),
    "--ip",
    "127.0.0.1",
    "--inspector-port",
    String(inspectorPort),
    "--show-interactive-dev-session=false",
    ...(env ? ["--env", env] : []),
    ...(persistTo ? ["--persist-to", persistTo] : []),
    ...Object.entries(vars).flatMap(([name, value]) => ["--var", `${name}:${value}`]),
  ];
}

/**
 * The build `npm start` and deploys serve: always React's production build, whatever NODE_ENV the
 * caller had (vitest sets "test", and Vite keeps an existing NODE_ENV).
 */
export function buildApp(log?: Log): void {
  run("npx", ["remix", "vite:build"], { env: { NODE_ENV: "production" }, log });
}

/** Applies the migrations to the local D1 (in `persistTo` when given, of the environment `env`). */
export function migrateLocal({ persistTo, env, log }: { persistTo?: string; env?: string; log?: Log } = {}): void {
  const args = ["wrangler", "d1", "migrations", "apply", "DB", "--local"];
  run("npx", [...args, ...(env ? ["--env", env] : []), ...(persistTo ? ["--persist-to", persistTo] : [])], { log });
}

export type RunningApp = { origin: string; child: ChildProcess; stop: () => Promise<void> };

/**
 * Serves what is built with `wrangler dev` on free ports and waits until `readyPath` answers 200
 * (GET /healthcheck/ unless told). `log` receives wrangler's output.
 */
export async function serveBuilt(
  options: Omit<ServeOptions, "port" | "inspectorPort"> & { log?: Log; readyPath?: string; timeoutMs?: number },
): Promise<RunningApp> {
  const { log, readyPath = "/healthcheck/", timeoutMs = 120_000, ...serve } = options;
  const [port, inspectorPort] = [await freePort(), await freePort()];
  let tail = "";
  const child = start("npx", wranglerDevArgs({ ...serve, port, inspectorPort }), {
    log,
    onOutput: (text) => {
      tail = (tail + text).slice(-4000);
    },
  });
  const origin = `http://127.0.0.1:${port}`;
  try {
    await waitFor(`${origin}${readyPath}`, { child, timeoutMs, describe: () => tail });
  } catch (error) {
    await stop(child);
    throw error;
  }
  return { origin, child, stop: () => stop(child) };
}

/**
 * `npm start` exactly (build, migrations, .dev.vars, `wrangler dev`), on free ports, with the local D1
 * in `persistTo`; resolves once GET /healthcheck/ answers 200. `env` adds to the environment
 * `npm start` sees (RATE_LIMITS=off, say); the caller's test-runner variables are left out.
 */
export async function startApp({
  persistTo,
  env = {},
  log,
  timeoutMs = 240_000,
}: {
  persistTo: string;
  env?: NodeJS.ProcessEnv;
  log?: Log;
  timeoutMs?: number;
}): Promise<RunningApp & { readyMs: number }> {
  const [port, inspectorPort] = [await freePort(), await freePort()];
  let tail = "";
  const child = start("npm", ["start"], {
    env: {
      ...TEST_RUNNER_UNSET,
      PORT: String(port),
      INSPECTOR_PORT: String(inspectorPort),
      PERSIST_TO: persistTo,
      ...env,
    },
    log,
    onOutput: (text) => {
      tail = (tail + text).slice(-4000);
    },
  });
  const origin = `http://127.0.0.1:${port}`;
  try {
    const readyMs = await waitFor(`${origin}/healthcheck/`, { child, timeoutMs, describe: () => tail });
    return { origin, child, readyMs, stop: () => stop(child) };
  } catch (error) {
    await stop(child);
    throw error;
  }
}

/**
 * What a person's shell would not give `npm start`: the variables vitest adds (undefined leaves them
 * out). With vitest's NODE_ENV=test the client build would ship React's development build.
 */
const TEST_RUNNER_UNSET: NodeJS.ProcessEnv = Object.fromEntries(
  ["NODE_ENV", "VITEST", "VITEST_MODE", "VITEST_POOL_ID", "VITEST_WORKER_ID", "TEST"].map((name) => [name, undefined]),
);
