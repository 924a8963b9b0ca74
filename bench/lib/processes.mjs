// Starting and stopping the servers the bench talks to. Every child runs in its own process group,
// so stopping it also stops the npx / wrangler / workerd processes below it, and nothing else.
import { spawn, spawnSync } from "node:child_process";
import { createServer } from "node:net";
import { performance } from "node:perf_hooks";
import { setTimeout as sleep } from "node:timers/promises";

export const root = new URL("../../", import.meta.url).pathname;

const children = new Set();

/** A TCP port free on 127.0.0.1 right now (others run servers on this machine too). */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** Runs a command to completion (output to the log function), throwing on failure. */
export function run(command, args, { env = {}, log = () => {}, cwd = root } = {}) {
  const result = spawnSync(command, args, {
    cwd,
    env: { ...process.env, CI: "true", ...env },
    encoding: "utf8",
    maxBuffer: 64 * 1024 * 1024,
  });
  log(`$ ${command} ${args.join(" ")}\n${result.stdout}${result.stderr}`);
  if (result.status !== 0) {
    throw new Error(`${command} ${args.join(" ")} failed (${result.status}):\n${result.stdout}\n${result.stderr}`);
  }
  return result.stdout;
}

/** Starts a long-running command; its output goes to the log function. */
export function start(command, args, { env = {}, log = () => {}, onOutput = () => {} } = {}) {
  const child = spawn(command, args, {
    cwd: root,
    env: { ...process.env, CI: "true", ...env },
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  for (const stream of [child.stdout, child.stderr]) {
    stream.on("data", (chunk) => {
      log(chunk.toString());
      onOutput(chunk.toString());
    });
  }
  children.add(child);
  child.on("exit", () => children.delete(child));
  return child;
}

/** Stops a child started by start(), with its whole process group, and waits for it to go. */
export async function stop(child) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once("exit", resolve));
  try {
    process.kill(-child.pid, "SIGTERM");
  } catch {
    return;
  }
  const timeout = sleep(5000).then(() => "timeout");
  if ((await Promise.race([exited, timeout])) === "timeout") {
    try {
      process.kill(-child.pid, "SIGKILL");
    } catch {}
    await exited;
  }
}

export async function stopAll() {
  await Promise.all([...children].map(stop));
}

/** GET `url` and read the whole body, giving up after `timeoutMs` whatever stage the request is in. */
export async function fetchStatus(url, timeoutMs) {
  const controller = new AbortController();
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => {
      controller.abort();
      reject(new Error(`${url}: no answer within ${timeoutMs} ms`));
    }, timeoutMs);
  });
  try {
    return await Promise.race([
      (async () => {
        const response = await fetch(url, { redirect: "manual", signal: controller.signal });
        await response.arrayBuffer();
        return response.status;
      })(),
      timeout,
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Polls `url` until it answers with `status`. Returns the milliseconds since `since`
 * (a performance.now() reading). Throws after `timeoutMs` or when the child exits.
 */
export async function waitFor(url, { status = 200, since = performance.now(), timeoutMs = 120_000, child } = {}) {
  const deadline = since + timeoutMs;
  for (;;) {
    if (child && child.exitCode !== null) throw new Error(`server exited (${child.exitCode}) before ${url} answered`);
    try {
      if ((await fetchStatus(url, 5000)) === status) return performance.now() - since;
    } catch {}
    if (performance.now() > deadline) throw new Error(`${url} did not answer ${status} within ${timeoutMs} ms`);
    await sleep(20);
  }
}

for (const signal of ["SIGINT", "SIGTERM"]) {
  process.on(signal, () => {
    stopAll().finally(() => process.exit(130));
  });
}
