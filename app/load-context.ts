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
    /**
     * The request's method: a request that may change something (anything but GET and HEAD) reads
     * from the primary, so what it decides on is never a lagging replica's (db.server.ts).
     */
    requestMethod?: string;
    /** This request's CSP nonce (set by the worker; absent under the Vite dev server, which sends no CSP). */
    cspNonce?: string;
    /**
     * This request's D1 round trips and time, for Server-Timing (set by the worker; db.server.ts adds
     * to it). It lives here because the worker entry and the Remix build are separate bundles, each
     * with its own copy of every module: only the context object is shared by both.
     */
    d1Usage?: D1Usage;
  }
}

export type D1Usage = { roundTrips: number; ms: number };
