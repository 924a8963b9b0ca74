// Starting and stopping the commands the tests, the bench and the scripts run. A long-running child
// gets its own process group, so stopping it also stops the npm / npx / wrangler / workerd processes
// below it, and nothing else.
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { performance } from "node:perf_hooks";
import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath } from "node:url";

/** The repository's root folder. */
export const root = fileURLToPath(new URL("../", import.meta.url));

type Log = (text: string) => void;
type RunOptions = { env?: NodeJS.ProcessEnv; log?: Log; cwd?: string };

/** Runs a command to completion (its output to `log`), throwing on failure; returns its stdout. */
export function run(
  command: string,
  args: string[],
  { env = {}, log = () => {}, cwd = root }: RunOptions = {},
): string {
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

const children = new Set<ChildProcess>();

/** Starts a long-running command in its own process group; its output goes to `log` and `onOutput`. */
export function start(
  command: string,
  args: string[],
  { env = {}, log = () => {}, onOutput = () => {}, cwd = root }: RunOptions & { onOutput?: Log } = {},
): ChildProcess {
  const child = spawn(command, args, {
    cwd,
    env: { ...process.env, CI: "true", ...env },
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  for (const stream of [child.stdout, child.stderr]) {
    stream?.on("data", (chunk: Buffer) => {
      log(chunk.toString());
      onOutput(chunk.toString());
    });
  }
  children.add(child);
  child.on("exit", () => children.delete(child));
  return child;
}

/** Stops a child started in its own group, with the whole group: SIGTERM, then SIGKILL after 5 s. */
export async function stop(child: ChildProcess): Promise<void> {
  const pid = child.pid;
  if (pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
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
    await sleep(100);
    if (!signalGroup(0)) return;
  }
  signalGroup("SIGKILL");
}

/** Stops every child start() made; on Ctrl+C too once `stopChildrenOnSignal()` has been called. */
export async function stopAll(): Promise<void> {
  await Promise.all([...children].map(stop));
}

export function stopChildrenOnSignal(): void {
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.on(signal, () => {
      stopAll().finally(() => process.exit(130));
    });
  }
}

/** GET `url` and read the whole body, giving up after `timeoutMs` whatever stage the request is in. */
export async function fetchStatus(url: string, timeoutMs: number): Promise<number> {
  const response = await fetch(url, { redirect: "manual", signal: AbortSignal.timeout(timeoutMs) });
  await response.arrayBuffer();
  return response.status;
}

/**
 * Polls `url` until it answers `status`; returns the milliseconds since `since` (a performance.now()
 * reading). Throws after `timeoutMs`, or as soon as `child` exits (with `describe()`'s text: a log tail).
 */
export async function waitFor(
  url: string,
  {
    status = 200,
    since = performance.now(),
    timeoutMs = 120_000,
    child,
    describe = () => "",
  }: { status?: number; since?: number; timeoutMs?: number; child?: ChildProcess; describe?: () => string } = {},
): Promise<number> {
  const deadline = since + timeoutMs;
  for (;;) {
    if (child && child.exitCode !== null)
      throw new Error(`server exited (${child.exitCode}) before ${url} answered\n${describe()}`);
    try {
      if ((await fetchStatus(url, 5000)) === status) return performance.now() - since;
    } catch {
      // Not listening yet.
    }
    if (performance.now() > deadline)
      throw new Error(`${url} did not answer ${status} within ${timeoutMs} ms\n${describe()}`);
    await sleep(50);
  }
}
