// Cold start, two ways:
// - from outside: spawn `wrangler dev` as `npm start` runs it (already built) and time until the first
//   200 on GET /login/, split into "wrangler says Ready" and the first request itself;
// - inside workerd: `wrangler check startup` profiles the deploy bundle's startup phase (module
//   evaluation: parsing, top-level code, wasm module set-up). The CPU time is the profile's non-idle samples.
// The wasm compile itself is timed in Node (same V8) on the same .wasm file.
import { mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { setTimeout as sleep } from "node:timers/promises";
import { fetchStatus, root, run, start, stop } from "../../harness/processes.ts";
import { summarise } from "../../harness/stats.ts";

const RUNS = 3;

async function firstLogin(origin: string, deadline: number): Promise<number> {
  for (;;) {
    const t0 = performance.now();
    try {
      if ((await fetchStatus(`${origin}/login/`, 30_000)) === 200) return performance.now() - t0;
    } catch {}
    if (performance.now() > deadline) throw new Error("GET /login/ did not answer 200 within 120 s");
    await sleep(10);
  }
}

type ColdStart = { origin: string; args: string[]; log: (text: string) => void };

async function coldStartOnce({ origin, args, log }: ColdStart) {
  let readyAt: number | null = null;
  const t0 = performance.now();
  const child = start("npx", args, {
    log,
    onOutput: (text) => {
      if (readyAt === null && /Ready on/.test(text)) readyAt = performance.now();
    },
  });
  try {
    const deadline = t0 + 120_000;
    while (readyAt === null) {
      if (child.exitCode !== null) throw new Error(`wrangler dev exited (${child.exitCode})`);
      if (performance.now() > deadline) throw new Error("wrangler dev was not ready within 120 s");
      await sleep(5);
    }
    const firstRequestMs = await firstLogin(origin, deadline);
    return { readyMs: readyAt - t0, firstRequestMs, totalMs: performance.now() - t0 };
  } finally {
    await stop(child);
  }
}

/** CPU time of a V8 .cpuprofile, and its heaviest functions by self time. */
type ProfileNode = { id: number; callFrame: { functionName: string; url?: string; lineNumber: number } };
type CpuProfile = { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[]; startTime: number; endTime: number };

export function analyseProfile(path: string) {
  const profile = JSON.parse(readFileSync(path, "utf8")) as CpuProfile;
  const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
  let busy = 0;
  const self = new Map<string, number>();
  profile.samples.forEach((id, i) => {
    const delta = (profile.timeDeltas[i + 1] ?? 0) / 1000;
    const frame = nodes.get(id)?.callFrame ?? { functionName: "?", lineNumber: 0 };
    if (frame.functionName === "(idle)") return;
    busy += delta;
    const name = `${frame.functionName || "(top level)"}${frame.url ? ` ${frame.url.split("/").pop()}:${frame.lineNumber + 1}` : ""}`;
    self.set(name, (self.get(name) ?? 0) + delta);
  });
  return {
    cpuMs: busy,
    spanMs: (profile.endTime - profile.startTime) / 1000,
    heaviest: [...self]
      .sort((a, b) => b[1] - a[1])
      .slice(0, 5)
      .map(([name, ms]) => ({ name, ms: Math.round(ms * 10) / 10 })),
  };
}

function wasmCompileMs() {
  const bytes = readFileSync(join(root, "app/passwords/argon2/argon2.wasm"));
  const times: number[] = [];
  for (let i = 0; i < 5; i++) {
    const t0 = performance.now();
    new WebAssembly.Module(bytes);
    times.push(performance.now() - t0);
  }
  return { bytes: bytes.length, ms: summarise(times) };
}

/** `bundle`: the deploy upload written by bundleWorker() (size.ts). */
export async function measureStartup({
  origin,
  args,
  outdir,
  bundle,
  log,
}: ColdStart & { outdir: string; bundle: string }) {
  const runs: { readyMs: number; firstRequestMs: number; totalMs: number }[] = [];
  for (let i = 0; i < RUNS; i++) runs.push(await coldStartOnce({ origin, args, log }));

  mkdirSync(outdir, { recursive: true });
  const profiles: ReturnType<typeof analyseProfile>[] = [];
  for (let i = 0; i < RUNS; i++) {
    const file = join(outdir, `startup-${i}.cpuprofile`);
    run("npx", ["wrangler", "check", "startup", "--worker", bundle, "--outfile", file], { log });
    profiles.push(analyseProfile(file));
  }
  return {
    runs: RUNS,
    readyMs: summarise(runs.map((r) => r.readyMs)),
    firstRequestMs: summarise(runs.map((r) => r.firstRequestMs)),
    toFirstLoginMs: summarise(runs.map((r) => r.totalMs)),
    moduleEvaluationCpuMs: summarise(profiles.map((p) => p.cpuMs)),
    profileSpanMs: summarise(profiles.map((p) => p.spanMs)),
    heaviestAtStartup: profiles[0]?.heaviest ?? [],
    wasmCompileInNode: wasmCompileMs(),
  };
}
