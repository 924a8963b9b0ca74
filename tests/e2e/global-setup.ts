// Starts the app exactly as `npm start` does (harness/app-server.ts: build, local D1 migrations,
// `wrangler dev`), on a free port, with a fresh local D1 for this run and per-IP rate limits off; waits
// for /healthcheck/; launches one Chromium that every test file connects to. Everything is stopped
// again at the end.
import { appendFileSync, existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type BrowserServer, chromium } from "playwright-core";
import type { TestProject } from "vitest/node";
import { type RunningApp, startApp } from "../../harness/app-server";
import { CHROMIUM_ARGS, CHROMIUM_PATH, SCREENSHOT_DIR } from "./config";

declare module "vitest" {
  export interface ProvidedContext {
    baseURL: string;
    wsEndpoint: string;
    persistDir: string;
    /** The server's stdout and stderr (the hostile-traffic test reads it for unhandled errors). */
    serverLog: string;
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

  let app: RunningApp | undefined;
  let browserServer: BrowserServer | undefined;
  const stop = async () => {
    await browserServer?.close().catch(() => {});
    await app?.stop();
    if (process.env.E2E_KEEP_SERVER_LOG) console.log(`  e2e: server log and D1 kept in ${workDir}`);
    else rmSync(workDir, { recursive: true, force: true });
  };

  try {
    app = await startApp({
      persistTo: persistDir,
      env: { RATE_LIMITS: "off" },
      log: (text) => appendFileSync(logPath, text),
      timeoutMs: STARTUP_TIMEOUT_MS,
    });
    browserServer = await chromium.launchServer({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS, headless: true });
  } catch (error) {
    await stop();
    throw error;
  }
  const baseURL = app.origin;
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  console.log(`\n  e2e: app at ${baseURL} (npm start, fresh D1 in ${persistDir}), ready in ${Date.now() - started} ms`);
  console.log(`  e2e: screenshots go to ${SCREENSHOT_DIR}\n`);

  project.provide("baseURL", baseURL);
  project.provide("wsEndpoint", browserServer.wsEndpoint());
  project.provide("persistDir", persistDir);
  project.provide("serverLog", logPath);
  return stop;
}
