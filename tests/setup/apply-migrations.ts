import { applyD1Migrations } from "cloudflare:test";
import { env } from "cloudflare:workers";

// Idempotent: applied once per test file against the shared local D1.
await applyD1Migrations(env.DB, env.TEST_MIGRATIONS);
