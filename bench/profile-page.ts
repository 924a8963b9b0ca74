// `npm run bench:profile -- [dir] [path] [n]` (`node bench/profile-page.ts`, after `npm run build` in
// dir; Node 24): where the CPU of one page request goes. Starts `wrangler dev` on the worker built in
// dir (default: the current folder; a relative dir is taken from the current folder, which under npm
// is the package's), warms it, then samples workerd's CPU through its inspector (Profiler, 50 µs) over
// n sequential GETs of the path, and prints the sampled self time per request by source file (through
// the bundle's source map; the server build itself has none unless built with --sourcemapServer) and
// the heaviest functions. Native frames show as (name). Shares are what to compare between builds;
// absolute ms include the sampling cost. The profile is written to dir/.wrangler/page.cpuprofile.
import { spawn } from "node:child_process";
import { readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join, resolve } from "node:path";

/** A V8 CPU profile as the inspector's Profiler.stop returns it (the parts read here). */
type CallFrame = { functionName: string; url: string; lineNumber: number; columnNumber: number };
type CpuProfile = { nodes: { id: number; callFrame: CallFrame }[]; samples: number[]; timeDeltas: number[] };
/** An inspector protocol message: a reply carries the id of its command. */
type Message = { id?: number; method?: string; result?: unknown };

const cwd = resolve(process.argv[2] ?? ".");
const path = process.argv[3] ?? "/login/";
const N = Number(process.argv[4] ?? 300);
// The source-map reader and the WebSocket client of the checkout being profiled.
const require = createRequire(join(cwd, "package.json"));
const { TraceMap, originalPositionFor } =
  require("@jridgewell/trace-mapping") as typeof import("@jridgewell/trace-mapping");
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
child.stdout.on("data", (d: Buffer) => (out += d));
child.stderr.on("data", (d: Buffer) => (out += d));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
try {
  for (let i = 0; !/Ready on/.test(out); i++) {
    if (i > 900) throw new Error(out);
    await sleep(100);
  }

  const origin = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 30; i++) await (await fetch(origin + path)).text();
  console.error("ready, warmed");
  const targets = (await (await fetch(`http://127.0.0.1:${inspector}/json`)).json()) as {
    webSocketDebuggerUrl: string;
  }[];
  const target = targets[0];
  if (!target) throw new Error("workerd's inspector lists no target");
  const WS = require("ws") as typeof import("ws");
  const ws = new WS(target.webSocketDebuggerUrl, { headers: { Origin: `http://127.0.0.1:${inspector}` } });
  await new Promise<void>((r, j) => {
    ws.on("open", r);
    ws.on("error", j);
    ws.on("unexpected-response", (_q, res) => j(new Error(`ws ${res.statusCode}`)));
  });
  let id = 0;
  const pending = new Map<number, (reply: Message) => void>();
  ws.on("message", (data) => {
    const m = JSON.parse(String(data)) as Message;
    const reply = m.id ? pending.get(m.id) : undefined;
    if (m.id && reply) {
      reply(m);
      pending.delete(m.id);
    }
  });
  const send = (method: string, params = {}) =>
    new Promise<Message>((r) => {
      const i = ++id;
      pending.set(i, r);
      ws.send(JSON.stringify({ id: i, method, params }));
    });
  await send("Profiler.enable");
  await send("Profiler.setSamplingInterval", { interval: 50 });
  await send("Profiler.start");
  const t0 = performance.now();
  const lat: number[] = [];
  for (let i = 0; i < N; i++) {
    const s = performance.now();
    await (await fetch(origin + path)).text();
    lat.push(performance.now() - s);
  }
  const wall = performance.now() - t0;
  const { result } = await send("Profiler.stop");
  const profile = (result as { profile: CpuProfile }).profile;
  writeFileSync(join(cwd, ".wrangler", "page.cpuprofile"), JSON.stringify(profile));
  ws.close();
  // source map of the bundle wrangler dev wrote
  const tmp = join(cwd, ".wrangler/tmp");
  const dirs = readdirSync(tmp)
    .map((d) => join(tmp, d))
    .filter((d) => statSync(d).isDirectory())
    .sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs);
  let map: InstanceType<typeof TraceMap> | null = null;
  for (const d of dirs) {
    const f = readdirSync(d).find((n) => n.endsWith(".js.map"));
    if (f) {
      map = new TraceMap(readFileSync(join(d, f), "utf8"));
      break;
    }
  }
  const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
  let busy = 0;
  const byFile = new Map<string, number>();
  const byFn = new Map<string, number>();
  profile.samples.forEach((sid, i) => {
    const d = (profile.timeDeltas[i + 1] ?? 0) / 1000;
    const f = nodes.get(sid)?.callFrame;
    if (!f) return;
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
    `${N} x GET ${path}: wall ${wall.toFixed(0)} ms, latency p50 ${(lat[N >> 1] ?? Number.NaN).toFixed(2)} ms; sampled busy ${busy.toFixed(0)} ms = ${(busy / N).toFixed(2)} ms/request`,
  );
  const tables: [string, Map<string, number>][] = [
    ["by source (ms per request, share):", byFile],
    ["top functions:", byFn],
  ];
  for (const [title, totals] of tables) {
    console.log(title);
    for (const [k, v] of [...totals].sort((a, b) => b[1] - a[1]).slice(0, 25)) {
      console.log(`  ${(v / N).toFixed(3)}  ${((100 * v) / busy).toFixed(1)}%  ${k}`);
    }
  }
} finally {
  if (child.pid !== undefined) process.kill(-child.pid, "SIGTERM");
}
