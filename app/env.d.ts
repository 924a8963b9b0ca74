// The worker's bindings, kept by hand beside wrangler.toml (`wrangler types` folds .dev.vars
// into the output, which makes its `--check` differ from one machine to the next).
interface Env {
  /** D1 database: [[d1_databases]] in wrangler.toml. */
  DB: D1Database;
  /** Comma-separated signing secrets; first signs, all verify. `.dev.vars` locally, `wrangler secret put` in production. */
  SESSION_SECRET?: string;
}

// workerd's constant-time comparison; the DOM lib's SubtleCrypto doesn't know it.
interface SubtleCrypto {
  timingSafeEqual(a: ArrayBuffer | ArrayBufferView, b: ArrayBuffer | ArrayBufferView): boolean;
}
