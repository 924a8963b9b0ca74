// The worker's bindings, kept by hand beside wrangler.toml (`wrangler types` folds .dev.vars
// into the output, which makes its `--check` differ from one machine to the next). What the
// secrets and variables must look like is app/env.server.ts's schema; read them through readEnv.
interface Env {
  /** D1 database: [[d1_databases]] in wrangler.toml. */
  DB: D1Database;
  /** Comma-separated signing secrets; first signs, all verify. `.dev.vars` locally, `wrangler secret put` in production. */
  SESSION_SECRET?: string;
  /** Comma-separated keys that seal two-step verification secrets in D1; first seals, all open. Set like SESSION_SECRET. */
  TOTP_SECRET?: string;
  /** Per-IP limit on login and register POSTs: [[ratelimits]] in wrangler.toml. */
  AUTH_RATE_LIMITER: RateLimit;
  /** Outgoing email (Cloudflare Email Sending): [[send_email]] in wrangler.toml; simulated by wrangler dev and the tests. */
  EMAIL: SendEmail;
  /** The address emails come from, on a domain onboarded to Email Sending (README "Email"). */
  MAIL_FROM?: string;
  /** The site's origin, per environment ([env.*.vars]; npm start passes the local one): links in emails point there, never at a request's Host, and the deploy script checks its /healthcheck/. */
  APP_ORIGIN?: string;
  /** The Pwned Passwords range API ([env.*.vars]); unset, the breach check is off. npm start and the tests point it at a local stand-in. */
  PWNED_PASSWORDS_URL?: string;
  /** "off" skips the per-IP limit: a local-only switch for load tests from one address (npm start honours it). */
  RATE_LIMITS?: string;
}

// workerd's constant-time comparison; the DOM lib's SubtleCrypto doesn't know it.
interface SubtleCrypto {
  timingSafeEqual(a: ArrayBuffer | ArrayBufferView, b: ArrayBuffer | ArrayBufferView): boolean;
}

// The Workers edge cache (caches.default); the DOM lib's CacheStorage doesn't know it.
interface CacheStorage {
  readonly default: Cache;
}
