import { defineConfig } from "vitest/config";

// Browser tests: Node drives Debian's Chromium (playwright-core) against the app started as `npm start`
// starts it. One server and one browser for the whole run (tests/e2e/global-setup.ts); files run one
// after another because they share that server and its database.
export default defineConfig({
  test: {
    include: ["tests/e2e/**/*.e2e.ts"],
    environment: "node",
    pool: "forks",
    fileParallelism: false,
    globalSetup: ["./tests/e2e/global-setup.ts"],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // The server's build, migrations and start-up happen in global setup.
    teardownTimeout: 20_000,
    reporters: ["default"],
  },
});
