// Runs an operator script written in TypeScript (`node scripts/run-ts.ts users-import ARGS`): esbuild
// (already installed with Vite) bundles scripts/NAME.ts with the app modules it shares (validation,
// messages, the hash parser) into node_modules/.cache, resolving the app's `~/` imports, then Node runs
// it. Node 24's own type stripping (which runs this file) would not do for those scripts: it resolves
// neither `~/` nor imports without `.ts`.
// Packages stay external, loaded from node_modules as usual.
import { mkdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { build } from "esbuild";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const [name, ...args] = process.argv.slice(2);
if (!name || !/^[a-z][a-z0-9-]*$/.test(name)) {
  console.error("usage: node scripts/run-ts.ts SCRIPT [ARGS]");
  process.exit(2);
}
const outdir = join(root, "node_modules", ".cache", "edge-auth-scripts");
mkdirSync(outdir, { recursive: true });
const outfile = join(outdir, `${name}.mjs`);
await build({
  entryPoints: [join(root, "scripts", `${name}.ts`)],
  outfile,
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20",
  packages: "external",
  alias: { "~": join(root, "app") },
  // Vite's `?raw` imports (the common-password list of the password policy): the file as a string.
  plugins: [
    {
      name: "raw",
      setup(esbuild) {
        esbuild.onResolve({ filter: /\?raw$/ }, (args) => ({
          path: join(
            args.path.startsWith("~/") ? join(root, "app") : args.resolveDir,
            args.path.replace(/^~\//, "").replace(/\?raw$/, ""),
          ),
          namespace: "raw",
        }));
        esbuild.onLoad({ filter: /.*/, namespace: "raw" }, (args) => ({
          contents: readFileSync(args.path, "utf8"),
          loader: "text",
        }));
      },
    },
  ],
  logLevel: "error",
});
process.argv = [process.argv[0] ?? "node", outfile, ...args];
await import(pathToFileURL(outfile).href);
