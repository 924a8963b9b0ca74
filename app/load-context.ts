// What every loader and action receives: the worker's bindings and execution context.
// It is a new object for every request (app/worker.ts and vite.config.ts both make it so):
// per-request caches, like the signed-in user, are keyed on it.
declare module "@remix-run/cloudflare" {
  interface AppLoadContext {
    cloudflare: {
      env: Env;
      ctx: Pick<ExecutionContext, "waitUntil" | "passThroughOnException">;
      /** Cloudflare's data about the request (place, network). Kept here: Remix's single-fetch requests are copies without it. */
      cf?: IncomingRequestCfProperties;
    };
    /** This request's CSP nonce (set by the worker; absent under the Vite dev server, which sends no CSP). */
    cspNonce?: string;
  }
}

export {};
