import { fileURLToPath } from "node:url";
import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";
import { mailboxService } from "./tests/setup/mailbox";
import { nodeArgon2Service } from "./tests/setup/node-argon2";
import { pwnedStandInPort } from "./tests/setup/pwned-passwords";
import { werkzeugService } from "./tests/setup/werkzeug";

// Tests run inside workerd against a real local D1 (Miniflare) with the real migrations applied.
export default defineConfig(async () => {
  const migrations = await readD1Migrations(fileURLToPath(new URL("./migrations", import.meta.url)));
  // The Pwned Passwords stand-in, started on this port by the global setup below.
  const pwnedOrigin = `http://127.0.0.1:${await pwnedStandInPort()}`;
  return {
    plugins: [
      cloudflareTest({
        main: "./app/worker.ts",
        wrangler: { configPath: "./wrangler.toml" },
        miniflare: {
          bindings: {
            TEST_MIGRATIONS: migrations,
            // Two secrets: the first signs, both verify (rotation is tested).
            SESSION_SECRET: "test-secret-current-0123456789abcdef,test-secret-previous-0123456789abcdef",
            // The same shape for the key that seals two-step secrets (rotation is tested too).
            TOTP_SECRET: "test-totp-current-0123456789abcdef,test-totp-previous-0123456789abcdef",
            // Email configuration, as an operator sets it; links must use this origin, whatever the Host.
            MAIL_FROM: "no-reply@edge-auth.test",
            APP_ORIGIN: "http://localhost",
            PWNED_PASSWORDS_URL: `${pwnedOrigin}/range/`,
          },
          // @node-rs/argon2 running in Node, the independent reference for the argon2 cross-check.
          // MAILBOX reads back the messages the simulated send_email binding kept (tests/setup/mailbox.ts);
          // WERKZEUG is the real werkzeug (Python), the reference for the Flask site's hashes.
          serviceBindings: { NODE_ARGON2: nodeArgon2Service, MAILBOX: mailboxService, WERKZEUG: werkzeugService },
        },
      }),
    ],
    resolve: { alias: { "~": fileURLToPath(new URL("./app", import.meta.url)) } },
    test: {
      // `npm run bench:defences` and `bench:legacy-hashes` run their benchmark in the same pool instead of the tests.
      include: process.env.BENCH_DEFENCES
        ? ["bench/defence-costs.test.ts"]
        : process.env.BENCH_LEGACY_HASHES
          ? ["bench/legacy-hash-costs.test.ts"]
          : ["tests/unit/**/*.test.ts", "tests/integration/**/*.test.ts"],
      globalSetup: ["./tests/setup/pwned-passwords.ts"],
      // Every test holds the code to production's PBKDF2 limit (local workerd has none).
      setupFiles: ["./tests/setup/apply-migrations.ts", "./tests/setup/production-pbkdf2-limit.ts"],
      // Audit lines are asserted where they matter; elsewhere they are noise.
      onConsoleLog: (log: string) => !log.startsWith('{"time"'),
      // One workerd (and one D1) per vitest worker, reused by the files it runs one after another,
      // instead of a fresh one per file: about three times faster. Files therefore share D1 as well
      // as tests do: every test makes its own users (unique emails).
      isolate: false,
      // A test may hash a dozen passwords (about 25 ms each, far more on a busy 2-core machine).
      testTimeout: 30_000,
      hookTimeout: 30_000,
      // Remix's CommonJS build must be pre-bundled to load in workerd (without it: "Cannot read
      // properties of undefined (reading 'createCookieFactory')"; still so with @cloudflare/vitest-plugin 1.5).
      deps: { optimizer: { ssr: { enabled: true, include: ["@remix-run/cloudflare", "@remix-run/server-runtime"] } } },
    },
  };
});
