// Starts the app exactly as `npm start` does (build, local D1 migrations, `wrangler dev`), on a free
// port, with a fresh local D1 for this run and per-IP rate limits off; waits for /healthcheck/; launches
// one Chromium that every test file connects to. Everything is stopped again at the end.
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type BrowserServer, chromium } from "playwright-core";
import type { TestProject } from "vitest/node";
import { CHROMIUM_ARGS, CHROMIUM_PATH, SCREENSHOT_DIR } from "./config";

declare module "vitest" {
  export interface ProvidedContext {
    baseURL: string;
    wsEndpoint: string;
    persistDir: string;
    /** The server's output (npm start): where the simulated send_email binding names each message's files. */
    serverLogPath: string;
  }
}

const STARTUP_TIMEOUT_MS = 240_000;

export default async function setup(project: TestProject) {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(`${CHROMIUM_PATH} is missing: install Debian's chromium (apt-get install -y chromium)`);
  }
  const started = Date.now();
  const workDir = mkdtempSync(join(tmpdir(), "edge-auth-e2e-"));
  const persistDir = join(workDir, "d1");
  const logPath = join(workDir, "server.log");
  const port = await freePort();
  // wrangler's devtools port (default 9229) may be held by another wrangler dev on the machine.
  const inspectorPort = await freePort();
  const baseURL = `http://127.0.0.1:${port}`;

  const log = openSync(logPath, "a");
  // Its own process group, so the whole tree (npm, node, wrangler, workerd) can be stopped at once.
  const server = spawn("npm", ["start"], {
    detached: true,
    stdio: ["ignore", log, log],
    env: {
      ...shellEnv(),
      PORT: String(port),
      INSPECTOR_PORT: String(inspectorPort),
      PERSIST_TO: persistDir,
      RATE_LIMITS: "off",
    },
  });

  let browserServer: BrowserServer | undefined;
  const stop = async () => {
    await browserServer?.close().catch(() => {});
    await stopGroup(server);
    if (process.env.E2E_KEEP_SERVER_LOG) console.log(`  e2e: server log and D1 kept in ${workDir}`);
    else rmSync(workDir, { recursive: true, force: true });
  };

  try {
    await waitForHealthy(baseURL, server, logPath);
    browserServer = await chromium.launchServer({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS, headless: true });
  } catch (error) {
    await stop();
    throw error;
  }
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  console.log(`\n  e2e: app at ${baseURL} (npm start, fresh D1 in ${persistDir}), ready in ${Date.now() - started} ms`);
  console.log(`  e2e: screenshots go to ${SCREENSHOT_DIR}\n`);

  project.provide("baseURL", baseURL);
  project.provide("wsEndpoint", browserServer.wsEndpoint());
  project.provide("persistDir", persistDir);
  project.provide("serverLogPath", logPath);
  return stop;
}

/**
 * The environment a person's shell would give `npm start`: without what vitest adds. Vitest sets
 * NODE_ENV=test, and Vite keeps an existing NODE_ENV, so the client build would ship React's
 * development build (about 140 KiB gzipped instead of about 60).
 */
function shellEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const name of ["NODE_ENV", "VITEST", "VITEST_MODE", "VITEST_POOL_ID", "VITEST_WORKER_ID", "TEST"])
    delete env[name];
  return env;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const address = probe.address();
      probe.close(() =>
        typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port")),
      );
    });
  });
}

async function waitForHealthy(baseURL: string, server: ChildProcess, logPath: string): Promise<void> {
  const deadline = Date.now() + STARTUP_TIMEOUT_MS;
  let exited: number | null = null;
  server.once("exit", (code) => {
    exited = code ?? -1;
  });
  while (Date.now() < deadline) {
    if (exited !== null) throw new Error(`npm start exited with ${exited}:\n${tail(logPath)}`);
    try {
      const response = await fetch(`${baseURL}/healthcheck/`, { signal: AbortSignal.timeout(2_000) });
      if (response.status === 200) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`/healthcheck/ was not 200 within ${STARTUP_TIMEOUT_MS / 1000} s:\n${tail(logPath)}`);
}

/** SIGTERM to the process group, then SIGKILL if anything is still alive after a few seconds. */
async function stopGroup(server: ChildProcess): Promise<void> {
  const pid = server.pid;
  if (pid === undefined || server.exitCode !== null) return;
  const signalGroup = (signal: NodeJS.Signals | 0) => {
    try {
      process.kill(-pid, signal);
      return true;
    } catch {
      return false; // The group is gone.
    }
  };
  signalGroup("SIGTERM");
  for (let i = 0; i < 50; i++) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    if (!signalGroup(0)) return;
  }
  signalGroup("SIGKILL");
}

function tail(path: string): string {
  try {
    return readFileSync(path, "utf8").split("\n").slice(-40).join("\n");
  } catch {
    return "(no server log)";
  }
}
