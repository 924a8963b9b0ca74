// `node bench/profile-page.mjs [dir] [path] [n]` (after `npm run build`; Node ≥ 22): where the CPU of
// one page request goes. Starts `wrangler dev` on the built worker, warms it, then samples workerd's
// CPU through its inspector (Profiler, 50 µs) over n sequential GETs of the path, and prints the
// sampled self time per request by source file (through the bundle's source map; the server build
// itself has none unless built with --sourcemapServer) and the heaviest functions. Native frames
// show as (name). Shares are what to compare between builds; absolute ms include the sampling cost.
import { spawn } from "node:child_process";
import { readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";

const cwd = process.argv[2] ?? process.cwd();
const path = process.argv[3] ?? "/login/";
const N = Number(process.argv[4] ?? 300);
const require = createRequire(join(cwd, "package.json"));
const { TraceMap, originalPositionFor } = require("@jridgewell/trace-mapping");
const port = 8790 + Math.floor(Math.random() * 100),
  inspector = 9300 + Math.floor(Math.random() * 100);
const child = spawn(
  "npx",
  [
    "wrangler",
    "dev",
    "--port",
    String(port),
    "--ip",
    "127.0.0.1",
    "--inspector-port",
    String(inspector),
    "--show-interactive-dev-session=false",
    "--var",
    `APP_ORIGIN:http://localhost:${port}`,
    "--var",
    "RATE_LIMITS:off",
  ],
  // Its own process group: stopping npx alone leaves wrangler and workerd holding the pipes, and this
  // process (and any bench lock around it) waiting on them after the report.
  { cwd, env: { ...process.env, CI: "true" }, stdio: ["ignore", "pipe", "pipe"], detached: true },
);
let out = "";
child.stdout.on("data", (d) => (out += d));
child.stderr.on("data", (d) => (out += d));
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
try {
  for (let i = 0; !/Ready on/.test(out); i++) {
    if (i > 900) throw new Error(out);
    await sleep(100);
  }

  const origin = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 30; i++) await (await fetch(origin + path)).text();
  console.error("ready, warmed");
  const targets = await (await fetch(`http://127.0.0.1:${inspector}/json`)).json();
  const WS = require("ws");
  const ws = new WS(targets[0].webSocketDebuggerUrl, { headers: { Origin: `http://127.0.0.1:${inspector}` } });
  await new Promise((r, j) => {
    ws.on("open", r);
    ws.on("error", j);
    ws.on("unexpected-response", (_q, res) => j(new Error(`ws ${res.statusCode}`)));
  });
  let id = 0;
  const pending = new Map();
  ws.on("message", (data) => {
    const m = JSON.parse(String(data));
    if (m.id && pending.has(m.id)) {
      pending.get(m.id)(m);
      pending.delete(m.id);
    }
  });
  const send = (method, params = {}) =>
    new Promise((r) => {
      const i = ++id;
      pending.set(i, r);
      ws.send(JSON.stringify({ id: i, method, params }));
    });
  await send("Profiler.enable");
  await send("Profiler.setSamplingInterval", { interval: 50 });
  await send("Profiler.start");
  const t0 = performance.now();
  const lat = [];
  for (let i = 0; i < N; i++) {
    const s = performance.now();
    await (await fetch(origin + path)).text();
    lat.push(performance.now() - s);
  }
  const wall = performance.now() - t0;
  const { result } = await send("Profiler.stop");
  const profile = result.profile;
  writeFileSync(join(cwd, ".wrangler", "page.cpuprofile"), JSON.stringify(profile));
  ws.close();
  // source map of the bundle wrangler dev wrote
  const tmp = join(cwd, ".wrangler/tmp");
  const dirs = readdirSync(tmp)
    .map((d) => join(tmp, d))
    .filter((d) => statSync(d).isDirectory())
    .sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs);
  let map = null;
  for (const d of dirs) {
    const f = readdirSync(d).find((n) => n.endsWith(".js.map"));
    if (f) {
      map = new TraceMap(readFileSync(join(d, f), "utf8"));
      break;
    }
  }
  const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
  let busy = 0;
  const byFile = new Map();
  const byFn = new Map();
  profile.samples.forEach((sid, i) => {
    const d = (profile.timeDeltas[i + 1] ?? 0) / 1000;
    const f = nodes.get(sid).callFrame;
    if (f.functionName === "(idle)" || f.functionName === "(program)") {
      if (f.functionName === "(program)") {
        byFile.set("(program: V8/workerd native)", (byFile.get("(program: V8/workerd native)") ?? 0) + d);
        busy += d;
      }
      return;
    }
    busy += d;
    let file = f.url ? "(other script)" : `(${f.functionName})`;
    if (map && f.url && f.lineNumber >= 0) {
      const pos = originalPositionFor(map, { line: f.lineNumber + 1, column: f.columnNumber });
      if (pos.source) file = pos.source.replace(/^.*node_modules\//, "npm:").replace(/^(\.\.\/)+/, "");
    }
    const pkg = file.startsWith("npm:")
      ? file
          .split("/")
          .slice(0, file.startsWith("npm:@") ? 2 : 1)
          .join("/")
      : file;
    byFile.set(pkg, (byFile.get(pkg) ?? 0) + d);
    const fn = `${f.functionName || "(anon)"} @ ${file}`;
    byFn.set(fn, (byFn.get(fn) ?? 0) + d);
  });
  lat.sort((a, b) => a - b);
  console.log(
    `${N} x GET ${path}: wall ${wall.toFixed(0)} ms, latency p50 ${lat[N >> 1].toFixed(2)} ms; sampled busy ${busy.toFixed(0)} ms = ${(busy / N).toFixed(2)} ms/request`,
  );
  for (const [title, totals] of [
    ["by source (ms per request, share):", byFile],
    ["top functions:", byFn],
  ]) {
    console.log(title);
    for (const [k, v] of [...totals].sort((a, b) => b[1] - a[1]).slice(0, 25)) {
      console.log(`  ${(v / N).toFixed(3)}  ${((100 * v) / busy).toFixed(1)}%  ${k}`);
    }
  }
} finally {
  process.kill(-child.pid, "SIGTERM");
}
