/// <reference types="@cloudflare/vitest-plugin/types" />
import type { D1Migration } from "@cloudflare/vitest-plugin";

declare global {
  namespace Cloudflare {
    interface Env extends globalThis.Env {
      TEST_MIGRATIONS: D1Migration[];
      /** @node-rs/argon2 in Node (tests/setup/node-argon2.ts), bound only in tests. */
      NODE_ARGON2: Fetcher;
      /** What the simulated send_email binding wrote, read back in Node (tests/setup/mailbox.ts), bound only in tests. */
      MAILBOX: Fetcher;
      /** The real werkzeug in Python (tests/setup/werkzeug.ts), bound only in tests. */
      WERKZEUG: Fetcher;
    }
  }
}
