import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { cloudflareDevProxyVitePlugin, vitePlugin as remix } from "@remix-run/dev";
import { defineConfig, type Plugin } from "vite";

declare module "@remix-run/cloudflare" {
  interface Future {
    v3_singleFetch: true;
  }
}

/**
 * The dev server renders in Node, where a `.wasm` import has no meaning: compile it there.
 * Production builds leave `.wasm` imports to wrangler, which ships them as compiled modules.
 */
function wasmModulesInDev(): Plugin {
  return {
    name: "wasm-modules-in-dev",
    apply: "serve",
    enforce: "pre",
    async resolveId(source, importer) {
      if (!source.endsWith(".wasm")) return null;
      const resolved = await this.resolve(source, importer, { skipSelf: true });
      return resolved ? `\0wasm:${resolved.id}` : null;
    },
    load(id) {
      if (!id.startsWith("\0wasm:")) return null;
      const bytes = readFileSync(id.slice("\0wasm:".length)).toString("base64");
      return `export default new WebAssembly.Module(Uint8Array.from(atob(${JSON.stringify(bytes)}), (c) => c.charCodeAt(0)));`;
    },
  };
}

/**
 * The worker renders with react-dom/server's renderToReadableStream and nothing else of react-dom.
 * Yet react-router-dom imports react-dom (the browser renderer, for its client routers' flushSync),
 * and react-dom/server brings the legacy string renderer too: in the worker build both resolve to
 * what the server uses, which takes them out of its upload and out of every cold start's evaluation.
 */
function serverRendererOnly(): Plugin {
  const browserRenderer = "\0react-dom-in-the-worker";
  const reactDom = dirname(createRequire(import.meta.url).resolve("react-dom/package.json"));
  const streamRenderer = join(reactDom, "cjs/react-dom-server.browser.production.min.js");
  return {
    name: "server-renderer-only",
    apply: "build",
    enforce: "pre",
    resolveId(source, _importer, options) {
      if (!options.ssr) return null;
      if (source === "react-dom") return browserRenderer;
      if (source === "react-dom/server") return streamRenderer;
      return null;
    },
    load(id) {
      if (id !== browserRenderer) return null;
      // Only the browser's routers call it; a call in the worker is a bug worth an error.
      return `export function flushSync() { throw new Error("react-dom's browser renderer is not in the worker"); }`;
    },
  };
}

export default defineConfig(({ command, isSsrBuild }) => ({
  plugins: [
    wasmModulesInDev(),
    serverRendererOnly(),
    // A fresh load context per request, as the worker makes: per-request caches key on it.
    cloudflareDevProxyVitePlugin<Env, IncomingRequestCfProperties>({
      getLoadContext: ({ context, request }) => ({ ...context, requestMethod: request.method }),
    }),
    remix({
      future: {
        v3_fetcherPersist: true,
        v3_relativeSplatPath: true,
        v3_throwAbortReason: true,
        v3_singleFetch: true,
        v3_lazyRouteDiscovery: true,
      },
    }),
  ],
  resolve: { alias: { "~": fileURLToPath(new URL("./app", import.meta.url)) } },
  build: {
    // wrangler bundles the worker and turns the .wasm import into a compiled module.
    rollupOptions: { external: [/\.wasm$/] },
    // The browser's JS: terser with three passes takes about 4 KiB gzipped off the login page's JS
    // against esbuild's minifier (issue 19's 90 KiB budget). The worker is minified by wrangler.
    ...(isSsrBuild
      ? {}
      : {
          minify: "terser" as const,
          terserOptions: { module: true, ecma: 2020, compress: { passes: 3 }, format: { comments: false } },
        }),
  },
  // The build targets workerd: dependencies bundled in, with their Workers builds. The dev server
  // renders in Node, which loads dependencies itself.
  ssr:
    command === "build"
      ? {
          noExternal: true,
          // app/worker.ts imports these too, and wrangler bundles its imports from node_modules: left
          // to wrangler here as well, they are bundled once (about 40 KiB gzipped less; bench/results.md).
          external: ["@remix-run/cloudflare", "@remix-run/server-runtime", "drizzle-orm"],
          resolve: { conditions: ["workerd", "worker", "browser"], externalConditions: ["workerd", "worker"] },
        }
      : undefined,
}));
