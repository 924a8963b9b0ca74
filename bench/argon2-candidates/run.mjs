// `npm run bench:argon2-candidates`: which argon2id build published on npm is fastest inside workerd?
// Installs the candidates (package.json beside this file) into a temp dir with npm, serves worker.js
// with `wrangler dev`, and times each library's hashes and verifies inside workerd, next to
// @node-rs/argon2 in this process, round-robin over the libraries.
// Every PHC string must cross-verify with @node-rs/argon2 both ways, for an ASCII and a non-ASCII password.
// Writes bench/argon2-candidates/results.json (its markdown goes into bench/results.md). About 2 minutes.
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { cpus, getPriority, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { Algorithm, hashSync, verifySync } from "@node-rs/argon2";
import { freePort, root, run, start, stop, waitFor } from "../lib/processes.mjs";
import { median, summarise } from "../lib/stats.mjs";

const here = new URL(".", import.meta.url).pathname;
const port = await freePort();
const inspectorPort = await freePort();
const origin = `http://127.0.0.1:${port}`;
const ROUNDS = 3;
const PER_ROUND = 7;
const PARAMS = { algorithm: Algorithm.Argon2id, memoryCost: 19456, timeCost: 2, parallelism: 1, outputLen: 32 };
const PASSWORD = "correct horse battery staple";
const PASSWORDS = { ascii: PASSWORD, "non-ascii": "pässwörd ünïcödé ✓ 密码" };
const LIBRARIES = {
  "phi-ag": { pkg: "@phi-ag/argon2", build: "C reference (opt), emscripten, wasm SIMD" },
  "openpgp-argon2id": { pkg: "argon2id", build: "C (SSE intrinsics → wasm SIMD) for G, JS for the rest" },
  "argon2-browser-simd": { pkg: "argon2-browser", build: "C reference (opt), emscripten, argon2-simd.wasm" },
  "worker-password-auth": { pkg: "worker-password-auth", build: "Rust argon2 crate, wasm-bindgen" },
  argonia: { pkg: "argonia", build: "Rust argon2 crate, wasm-bindgen" },
  "argon2-wasm-edge": { pkg: "argon2-wasm-edge", build: "hash-wasm's C, no SIMD" },
  "noble-hashes": { pkg: "@noble/hashes", build: "pure JavaScript" },
  "hash-wasm": { pkg: "hash-wasm", build: "C, wasm embedded as bytes" },
  "@rabbit-company/argon2id": { pkg: "@rabbit-company/argon2id", build: "Rust, wasm embedded as bytes" },
  "argon2-wasm-esm": { pkg: "argon2-wasm-esm", build: "emscripten, wasm embedded as bytes" },
};

async function get(path, params) {
  const t0 = performance.now();
  const response = await fetch(`${origin}${path}?${new URLSearchParams(params)}`);
  const body = await response.text();
  return { ms: performance.now() - t0, ok: response.ok, body };
}

function native(operation) {
  const t0 = performance.now();
  operation();
  return performance.now() - t0;
}

/** Loads the library, times its first hash, checks it and warms it up. Null when it works; else the error. */
async function prepare(lib, roundTrip) {
  const first = await get("/hash", { lib });
  if (!first.ok)
    return {
      lib,
      error: first.body
        .split("\n")[0]
        .replace(/^error: /, "")
        .slice(0, 160),
    };
  for (let i = 0; i < 2; i++) await get("/hash", { lib });
  const own = await get("/verify", { lib, h: first.body });
  if (own.body !== "true") return { lib, error: `failed to verify its own hash: ${own.body.slice(0, 120)}` };
  const cross = {};
  for (const [kind, pw] of Object.entries(PASSWORDS)) {
    const theirs = (await get("/hash", { lib, pw })).body;
    let byNative = false;
    try {
      byNative = verifySync(theirs, pw);
    } catch {}
    const byThem = (await get("/verify", { lib, pw, h: hashSync(pw, PARAMS) })).body === "true";
    cross[kind] = byNative && byThem;
  }
  return { lib, firstHashMs: first.ms - roundTrip, crossVerifies: cross, hashes: [], verifies: [] };
}

/** One round: `perRound` hashes and verifies timed inside workerd (the /loop route), then as many native hashes. */
async function round(row, nativeHashes) {
  const loop = async (op) => JSON.parse((await get("/loop", { lib: row.lib, n: String(PER_ROUND), op })).body);
  row.hashes.push(...(await loop("hash")));
  row.verifies.push(...(await loop("verify")));
  for (let i = 0; i < PER_ROUND; i++) nativeHashes.push(native(() => hashSync(PASSWORD, PARAMS)));
}

function markdown(result) {
  const ok = result.rows.filter((r) => !r.error).sort((a, b) => a.hash.median - b.hash.median);
  const failed = result.rows.filter((r) => r.error);
  const f = (s) => `${s.median.toFixed(1)} (${s.min.toFixed(1)}–${s.max.toFixed(1)})`;
  const lines = [
    `Measured ${result.date.slice(0, 16).replace("T", " ")} UTC, ${result.cpu}, load average ${result.loadAverage.join(" / ")} at the start${result.nice ? `, at nice ${result.nice}` : ""}. ${ROUNDS * PER_ROUND} hashes and as many verifies per library after warm-up, timed inside workerd (an awaited timer around each, 1 ms resolution) in ${ROUNDS} rounds that go round-robin over the libraries; native: @node-rs/argon2 hashSync in Node, ${PER_ROUND} after each library's turn: ${f(result.nativeHash)} ms. The first hash (a fresh wasm instance) is timed from outside, minus a no-op request. Cross-verify: the library's PHC string verified by @node-rs/argon2, and the reverse.`,
    "",
    "| library (npm) | build | hash ms | verify ms | ratio to native (medians; minima) | first hash ms | cross-verify ASCII / non-ASCII |",
    "|---|---|---|---|---|---|---|",
    ...ok.map(
      (r) =>
        `| ${LIBRARIES[r.lib].pkg} | ${LIBRARIES[r.lib].build} | ${f(r.hash)} | ${f(r.verify)} | ${r.ratio.toFixed(2)}; ${(r.hash.min / result.nativeHash.min).toFixed(2)} | ${r.firstHashMs.toFixed(0)} | ${r.crossVerifies.ascii ? "ok" : "FAIL"} / ${r.crossVerifies["non-ascii"] ? "ok" : "FAIL"} |`,
    ),
    ...failed.map(
      (r) =>
        `| ${LIBRARIES[r.lib].pkg} | ${LIBRARIES[r.lib].build} | fails in workerd: ${r.error.replaceAll("|", "\\|")} | | | | |`,
    ),
  ];
  return `${lines.join("\n")}\n`;
}

const work = mkdtempSync(join(tmpdir(), "argon2-candidates-"));
let server;
const serverLog = [];
try {
  for (const file of ["worker.js", "wrangler.toml", "empty.js", "package.json"])
    copyFileSync(join(here, file), join(work, file));
  console.log(`Installing the candidates into ${work}…`);
  run("npm", ["install", "--no-audit", "--no-fund", "--ignore-scripts"], { cwd: work });
  server = start(
    "npx",
    ["wrangler", "dev", "-c", join(work, "wrangler.toml"), "--port", String(port), "--ip", "127.0.0.1"].concat([
      "--inspector-port",
      String(inspectorPort),
      "--show-interactive-dev-session=false",
    ]),
    { log: (text) => serverLog.push(text) },
  );
  await waitFor(`${origin}/noop`, { child: server, timeoutMs: 120_000 });
  const noop = [];
  for (let i = 0; i < 30; i++) noop.push((await get("/noop", {})).ms);
  const roundTrip = median(noop);
  const result = {
    date: new Date().toISOString(),
    cpu: `${cpus().length} × ${cpus()[0]?.model ?? "unknown"}`,
    loadAverage: loadavg().map((v) => Math.round(v * 100) / 100),
    nice: getPriority(),
    noopRoundTripMs: roundTrip,
    rows: [],
  };
  const rows = [];
  for (const lib of Object.keys(LIBRARIES)) rows.push(await prepare(lib, roundTrip));
  const working = rows.filter((row) => !row.error);
  // Round-robin over the libraries, so a burst of load elsewhere on the machine hits them all alike.
  const nativeHashes = [];
  for (let r = 0; r < ROUNDS; r++) for (const row of working) await round(row, nativeHashes);
  const nativeHash = summarise(nativeHashes);
  result.nativeHash = nativeHash;
  for (const row of rows) {
    if (row.error) {
      result.rows.push(row);
      console.log(`${row.lib}: ${row.error}`);
      continue;
    }
    const hash = summarise(row.hashes);
    const entry = {
      lib: row.lib,
      firstHashMs: row.firstHashMs,
      hash,
      verify: summarise(row.verifies),
      ratio: hash.median / nativeHash.median,
      crossVerifies: row.crossVerifies,
    };
    result.rows.push(entry);
    console.log(
      `${row.lib}: hash ${hash.median.toFixed(1)} ms, verify ${entry.verify.median.toFixed(1)} ms, ratio ${entry.ratio.toFixed(2)}, cross-verify ${JSON.stringify(row.crossVerifies)}`,
    );
  }
  result.markdown = markdown(result);
  writeFileSync(join(root, "bench/argon2-candidates/results.json"), `${JSON.stringify(result, null, 2)}\n`);
  run("npx", ["biome", "format", "--write", "--no-errors-on-unmatched", "bench/argon2-candidates/results.json"]);
  console.log(`\n${result.markdown}\nWrote bench/argon2-candidates/results.json`);
} catch (error) {
  console.error(serverLog.join("").slice(-4000));
  throw error;
} finally {
  if (server) await stop(server);
  rmSync(work, { recursive: true, force: true });
}
