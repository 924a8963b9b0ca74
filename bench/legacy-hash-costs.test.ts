// `npm run bench:legacy-hashes`: what each Flask (werkzeug) hash format costs at a user's first login,
// measured inside workerd (the same pool as the tests, production's PBKDF2 limit included), with the
// argon2id verification every other login pays for comparison. Prints figures, asserts nothing.
// workerd's clock only moves across I/O, so each round ends with a request and is averaged.
import { SELF } from "cloudflare:test";
import { it } from "vitest";
import { hashPassword, verifyPassword } from "~/passwords/password.server";
import { verifyWerkzeugHash } from "~/passwords/werkzeug.server";
import { WERKZEUG_2_2_VECTORS, WERKZEUG_3_VECTORS } from "../tests/fixtures/werkzeug-vectors";
import { werkzeugHashes } from "../tests/helpers/werkzeug";

const ROUNDS = Number(process.env.BENCH_LEGACY_ROUNDS ?? 3);
const PASSWORD = "correct horse battery";

async function timed(run: () => Promise<unknown> | unknown): Promise<number> {
  await run(); // Warm (JIT, wasm instance).
  const start = Date.now();
  for (let i = 0; i < ROUNDS; i++) await run();
  await SELF.fetch("http://localhost/healthcheck/").then((response) => response.arrayBuffer());
  return (Date.now() - start) / ROUNDS;
}

it("prints each legacy format's verification cost", { timeout: 600_000 }, async () => {
  const live = await werkzeugHashes(
    ["pbkdf2:sha256:100000", "pbkdf2:sha256:260000", "pbkdf2:sha1:260000", "pbkdf2:sha512:260000"].map((method) => ({
      method,
      password: PASSWORD,
    })),
  );
  const hashes = new Map<string, string>();
  for (const { method, hash } of [
    ...live.flatMap((run) => run.hashes),
    ...WERKZEUG_3_VECTORS,
    ...WERKZEUG_2_2_VECTORS,
  ]) {
    if (hash && !hashes.has(method)) hashes.set(method, hash);
  }
  const argon2 = hashPassword(PASSWORD);
  const rows = [[`argon2id (every later login)`, await timed(() => verifyPassword(argon2, PASSWORD))]] as [
    string,
    number,
  ][];
  const order = [
    "sha1",
    "sha256",
    "md5",
    "pbkdf2:sha256:100000",
    "pbkdf2:sha1:260000",
    "pbkdf2:sha256:260000",
    "pbkdf2:sha512:260000",
    "pbkdf2:sha256:600000",
    "pbkdf2:sha256:1000000",
    "scrypt:32768:8:1",
  ];
  for (const method of order) {
    const hash = hashes.get(method);
    if (!hash) continue;
    rows.push([method, await timed(() => verifyWerkzeugHash(hash, PASSWORD))]);
  }
  console.info(`legacy hash verification in workerd, mean of ${ROUNDS} (ms):`);
  for (const [label, ms] of rows) console.info(`  ${label.padEnd(32)} ${ms.toFixed(1)}`);
});
