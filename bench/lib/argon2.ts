// argon2id with the production parameters: the app's password module inside workerd (through the
// bench worker) next to @node-rs/argon2 (native) in this Node process, interleaved in rounds so both
// see the same machine load. workerd's Date.now() moves only across I/O, so the bench worker awaits a
// timer before and after each operation and reads the clock after each (1 ms resolution, so many
// samples). Cross-check: each operation as one request timed from here, minus the median round trip of
// a no-op request to the same worker (this one also carries the proxy's jitter under load).
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { gzipSync } from "node:zlib";
import { hashSync, verifySync } from "@node-rs/argon2";
import { root } from "../../harness/processes.ts";
import { median, summarise } from "../../harness/stats.ts";

// @node-rs/argon2 declares its algorithms as a `const enum`, which isolatedModules can't read.
const ARGON2ID = 2;
const PARAMS = { algorithm: ARGON2ID, memoryCost: 19456, timeCost: 2, parallelism: 1, outputLen: 32 };
const PASSWORD = "correct horse battery staple";
/** Non-ASCII on purpose: a wasm binding that passes UTF-16 length instead of UTF-8 bytes fails here. */
const PASSWORDS = [PASSWORD, "pässwörd ünïcödé ✓ 密码"];

async function timedGet(url: string): Promise<{ ms: number; body: string }> {
  const start = performance.now();
  const response = await fetch(url);
  const body = await response.text();
  const ms = performance.now() - start;
  if (!response.ok) throw new Error(`${url} answered ${response.status}: ${body}`);
  return { ms, body };
}

function timedNative(operation: () => unknown): number {
  const start = performance.now();
  operation();
  return performance.now() - start;
}

/** The kernel's size: it ships inside the worker upload. */
function wasmSize() {
  const bytes = readFileSync(join(root, "app/passwords/argon2/argon2.wasm"));
  return {
    path: "app/passwords/argon2/argon2.wasm",
    bytes: bytes.length,
    gzipBytes: gzipSync(bytes, { level: 9 }).length,
  };
}

type SampleKind =
  | "workerdHash"
  | "workerdVerify"
  | "nativeHash"
  | "nativeVerify"
  | "perRequestHash"
  | "perRequestVerify";

/** One password hashed on each side and verified on the other. */
type CrossCheck = { password: "ascii" | "non-ascii"; workerByNative: boolean; nativeByWorker: boolean };

export type Argon2Results = Awaited<ReturnType<typeof measureArgon2>>;

export async function measureArgon2(origin: string, { rounds = 3, perRound = 10 } = {}) {
  const url = (path: string, params: Record<string, string> = {}) =>
    `${origin}/__bench/argon2/${path}?${new URLSearchParams(params)}`;
  // The very first hash in a fresh isolate: wasm instantiation plus unoptimised (Liftoff) code.
  const first = await timedGet(url("hash"));
  const noop: number[] = [];
  for (let i = 0; i < 30; i++) noop.push((await timedGet(`${origin}/__bench/noop`)).ms);
  const roundTrip = median(noop);

  for (let i = 0; i < 3; i++) {
    await timedGet(url("hash"));
    hashSync(PASSWORD, PARAMS);
  }
  const referenceHash = (await timedGet(url("hash"))).body;
  const nativeHash = hashSync(PASSWORD, PARAMS);

  // Rounds interleave workerd and native so both see the same machine load.
  const samples: Record<SampleKind, number[]> = {
    workerdHash: [],
    workerdVerify: [],
    nativeHash: [],
    nativeVerify: [],
    perRequestHash: [],
    perRequestVerify: [],
  };
  const loop = async (op: "hash" | "verify") =>
    JSON.parse((await timedGet(url("loop", { n: String(perRound), op }))).body) as number[];
  for (let round = 0; round < rounds; round++) {
    samples.workerdHash.push(...(await loop("hash")));
    for (let i = 0; i < perRound; i++) samples.nativeHash.push(timedNative(() => hashSync(PASSWORD, PARAMS)));
    samples.workerdVerify.push(...(await loop("verify")));
    for (let i = 0; i < perRound; i++) samples.nativeVerify.push(timedNative(() => verifySync(nativeHash, PASSWORD)));
    for (let i = 0; i < perRound; i++) samples.perRequestHash.push((await timedGet(url("hash"))).ms - roundTrip);
    for (let i = 0; i < perRound; i++) {
      const { ms, body } = await timedGet(url("verify", { hash: referenceHash }));
      if (body !== "true") throw new Error("the worker failed to verify its own hash");
      samples.perRequestVerify.push(ms - roundTrip);
    }
  }

  // PHC strings must cross-verify with the independent native implementation, both ways.
  const crossChecks: CrossCheck[] = [];
  for (const password of PASSWORDS) {
    const fromWorker = (await timedGet(url("hash", { pw: password }))).body;
    const fromNative = hashSync(password, PARAMS);
    const workerByNative = verifySync(fromWorker, password);
    const nativeByWorker = (await timedGet(url("verify", { pw: password, hash: fromNative }))).body === "true";
    crossChecks.push({
      password: /^[\x20-\x7e]*$/.test(password) ? "ascii" : "non-ascii",
      workerByNative,
      nativeByWorker,
    });
  }

  const workerdHash = summarise(samples.workerdHash);
  const workerdVerify = summarise(samples.workerdVerify);
  const nativeHashStats = summarise(samples.nativeHash);
  const nativeVerifyStats = summarise(samples.nativeVerify);
  return {
    params: "argon2id m=19456 KiB, t=2, p=1, 32-byte hash, 16-byte salt",
    library:
      "our wasm SIMD kernel (app/passwords/argon2/, via app/passwords/password.server.ts) in workerd; @node-rs/argon2 hashSync/verifySync in Node",
    module: wasmSize(),
    noopRoundTripMs: roundTrip,
    firstHashMs: first.ms - roundTrip,
    workerd: { hash: workerdHash, verify: workerdVerify },
    native: { hash: nativeHashStats, verify: nativeVerifyStats },
    ratio: {
      hash: workerdHash.median / nativeHashStats.median,
      verify: workerdVerify.median / nativeVerifyStats.median,
    },
    /** Least-disturbed samples: on a shared machine the minima show the cost without interference. */
    ratioOfMinima: {
      hash: workerdHash.min / nativeHashStats.min,
      verify: workerdVerify.min / nativeVerifyStats.min,
    },
    perRequest: { hash: summarise(samples.perRequestHash), verify: summarise(samples.perRequestVerify) },
    crossChecks,
    budgetRatio: 1.5,
  };
}
