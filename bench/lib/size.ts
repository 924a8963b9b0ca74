// Sizes: the minified worker upload (`wrangler deploy --dry-run --outdir`) and the client JS each page
// loads (from Remix's client manifest). gzip sizes use zlib level 9.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { root, run } from "../../harness/processes.ts";

const BUDGETS = {
  /**
   * Worker upload (script + wasm), gzipped: issue 19's 250. It was 250.5 once issue 17 landed; the
   * worker build leaving out react-dom's browser renderer (vite.config.ts) took it to 194.4.
   */
  workerGzipKiB: 250,
  /** Client JS loaded by the login page, gzipped (issue 19), passkey code included. */
  loginPageJsGzipKiB: 90,
};

/** Each page of the app and the route modules that render it. */
const PAGES: Record<string, string[]> = {
  "/": ["root", "routes/_index"],
  "/login/": ["root", "routes/login"],
  "/register/": ["root", "routes/register"],
  "/dash/": ["root", "routes/dash"],
  "/logout/": ["root", "routes/logout"],
};

/**
 * Chunks a page imports dynamically as it starts, by file name: the login page's passkey code, which
 * its autofill request loads once the page has hydrated. (The form schemas load on a form's first
 * focus, so they are not counted.)
 */
const LOADED_AT_START: Record<string, RegExp[]> = { "/login/": [/^webauthn\.client-.*\.js$/] };

const KiB = 1024;
const gzipSize = (bytes: Uint8Array) => gzipSync(bytes, { level: 9 }).length;
const kib = (bytes: number) => Math.round((bytes / KiB) * 10) / 10;

/**
 * Bundles the worker as a deploy would, into `outdir`, with an esbuild metafile and the upload itself
 * (`worker.bundle`, which `wrangler check startup` takes). Needs a finished `npm run build`.
 */
export function bundleWorker(outdir: string, log?: (text: string) => void) {
  const output = run(
    "npx",
    [
      ...["wrangler", "deploy", "--dry-run", "--outdir", outdir],
      ...["--outfile", join(outdir, "worker.bundle"), "--metafile", join(outdir, "meta.json")],
    ],
    { log },
  );
  // wrangler's own figure, for reference: "Total Upload: 655.94 KiB / gzip: 209.00 KiB"
  const total = /Total Upload: ([\d.]+) KiB \/ gzip: ([\d.]+) KiB/.exec(output);
  const files = readdirSync(outdir).filter((name) => !/\.(map|md|json|bundle)$/.test(name));
  const modules = files.map((name) => {
    const bytes = readFileSync(join(outdir, name));
    return { name: name.replace(/^[0-9a-f]{40}-/, ""), raw: bytes.length, gzip: gzipSize(bytes) };
  });
  const raw = modules.reduce((sum, m) => sum + m.raw, 0);
  const gzip = modules.reduce((sum, m) => sum + m.gzip, 0);
  return {
    rawKiB: kib(raw),
    gzipKiB: kib(gzip),
    files: modules.map((m) => ({ name: m.name, rawKiB: kib(m.raw), gzipKiB: kib(m.gzip) })),
    wrangler: total ? { totalKiB: Number(total[1]), gzipKiB: Number(total[2]) } : null,
    budgetGzipKiB: BUDGETS.workerGzipKiB,
    withinBudget: gzip / KiB <= BUDGETS.workerGzipKiB,
  };
}

/** The largest inputs of the minified worker, from esbuild's metafile. */
export function largestInputs(outdir: string, count = 12) {
  type Output = { inputs: Record<string, { bytesInOutput: number }> };
  const meta = JSON.parse(readFileSync(join(outdir, "meta.json"), "utf8")) as { outputs: Record<string, Output> };
  const output = Object.entries(meta.outputs).find(([name]) => name.endsWith("worker.js"))?.[1];
  if (!output) throw new Error("no worker.js in the esbuild metafile");
  return Object.entries(output.inputs)
    .map(([path, { bytesInOutput }]) => ({ path, KiB: kib(bytesInOutput) }))
    .sort((a, b) => b.KiB - a.KiB)
    .slice(0, count);
}

/** Remix's client manifest (window.__remixManifest = {...}) from the last build. */
type ClientManifest = {
  entry: { module: string; imports: string[] };
  routes: Record<string, { module: string; imports?: string[] } | undefined>;
};

function clientManifest(): { file: string; manifest: ClientManifest } {
  const assets = join(root, "build/client/assets");
  const file = readdirSync(assets).find((name) => /^manifest-.*\.js$/.test(name));
  if (!file) throw new Error("no Remix client manifest in build/client/assets: run `npm run build` first");
  const text = readFileSync(join(assets, file), "utf8");
  return { file: `/assets/${file}`, manifest: JSON.parse(text.slice(text.indexOf("{"), text.lastIndexOf("}") + 1)) };
}

/** The JS files a first visit to each page loads, and their gzipped total. */
export function clientJsPerPage() {
  const { file, manifest } = clientManifest();
  const assets = readdirSync(join(root, "build/client/assets"));
  const pages: Record<string, { files: number; rawKiB: number; gzipKiB: number }> = {};
  for (const [page, routeIds] of Object.entries(PAGES)) {
    // The manifest module too: every page imports it before the entry.
    const urls = new Set([file, manifest.entry.module, ...manifest.entry.imports]);
    for (const pattern of LOADED_AT_START[page] ?? []) {
      const chunk = assets.find((name) => pattern.test(name));
      if (!chunk) throw new Error(`no chunk ${pattern} in build/client/assets`);
      urls.add(`/assets/${chunk}`);
    }
    for (const id of routeIds) {
      const route = manifest.routes[id];
      if (!route) throw new Error(`route ${id} is missing from the client manifest`);
      urls.add(route.module);
      for (const url of route.imports ?? []) urls.add(url);
    }
    let raw = 0;
    let gzip = 0;
    for (const url of urls) {
      const bytes = readFileSync(join(root, "build/client", url));
      raw += bytes.length;
      gzip += gzipSize(bytes);
    }
    pages[page] = { files: urls.size, rawKiB: kib(raw), gzipKiB: kib(gzip) };
  }
  const login = pages["/login/"] ?? { files: 0, rawKiB: 0, gzipKiB: Number.POSITIVE_INFINITY };
  return {
    pages,
    budgetLoginGzipKiB: BUDGETS.loginPageJsGzipKiB,
    withinBudget: login.gzipKiB <= BUDGETS.loginPageJsGzipKiB,
  };
}
