// `npm run bench:legacy-hashes`: what each Flask (werkzeug) hash format costs at a user's first login,
// inside workerd (the same pool as the tests, production's PBKDF2 limit included), against what the
// real werkzeug pays for the same hash through Python's hashlib, i.e. OpenSSL, in the same run:
// rounds alternate between the two so both see the same machine load. Prints figures and ratios
// (medians and minima), asserts nothing. workerd's clock moves only across I/O, so every sample is
// taken between two awaited timers (1 ms resolution).
import { it } from "vitest";
import { hashPassword, verifyPassword } from "~/passwords/password.server";
import { verifyWerkzeugHash } from "~/passwords/werkzeug.server";
import { werkzeugHashes } from "../tests/helpers/werkzeug";

/** Alternating rounds after one warm-up round (each round asks Python once for every format). */
const ROUNDS = 5;
const PASSWORD = "correct horse battery";
/** Werkzeug's defaults over the years (2.0–2.2, 2.3, 3.0+), each digest, and werkzeug 3's scrypt. */
const METHODS = [
  "pbkdf2:sha1:260000",
  "pbkdf2:sha256:260000",
  "pbkdf2:sha512:260000",
  "pbkdf2:sha256:600000",
  "pbkdf2:sha256:1000000",
  "pbkdf2:sha256:100000",
  "scrypt:32768:8:1",
];
/** Issue 19's budgets: workerd / OpenSSL. SHA-1 and SHA-256 have CPU instructions that wasm cannot reach. */
const BUDGETS: Record<string, number> = { sha1: 3, sha256: 3, sha512: 2, scrypt: 2 };

async function timed(run: () => Promise<unknown> | unknown): Promise<number> {
  await scheduler.wait(1);
  const start = Date.now();
  await run();
  await scheduler.wait(1);
  return Date.now() - start - 1;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[values.length >> 1] ?? Number.NaN;

it("prints each legacy format's verification cost in workerd and in werkzeug (OpenSSL)", {
  timeout: 600_000,
}, async () => {
  const workerd = new Map<string, number[]>(METHODS.map((method) => [method, []]));
  const openssl = new Map<string, number[]>(METHODS.map((method) => [method, []]));
  const argon2 = hashPassword(PASSWORD);
  const argon2Times: number[] = [];
  verifyPassword(argon2, PASSWORD); // Warm (JIT, wasm instance).
  for (let round = 0; round <= ROUNDS; round++) {
    // The werkzeug with scrypt (≥ 2.3) when there is one: every version's hashlib is the same OpenSSL.
    const runs = await werkzeugHashes(METHODS.map((method) => ({ method, password: PASSWORD, rounds: 1 })));
    const run = runs.find((each) => each.hashes.every((hashed) => hashed.hash)) ?? runs[0];
    for (const { method, hash, ms } of run?.hashes ?? []) {
      if (!hash) continue;
      const took = await timed(() => verifyWerkzeugHash(hash, PASSWORD));
      if (round === 0) continue; // Warm-up round: wasm instance, tier-up.
      workerd.get(method)?.push(took);
      openssl.get(method)?.push(...(ms ?? []));
    }
    if (round > 0) argon2Times.push(await timed(() => verifyPassword(argon2, PASSWORD)));
  }
  console.info(`legacy hash verification, ${ROUNDS} rounds, ms: workerd vs werkzeug 3 via hashlib (OpenSSL)`);
  console.info(
    `  ${"format".padEnd(24)} ${"workerd med/min".padEnd(17)} ${"OpenSSL med/min".padEnd(17)} ratio med; min   budget`,
  );
  for (const method of METHODS) {
    const ours = workerd.get(method) ?? [];
    const theirs = openssl.get(method) ?? [];
    if (ours.length === 0) {
      console.info(`  ${method.padEnd(24)} (no werkzeug on this machine writes it)`);
      continue;
    }
    const [oursMed, oursMin, theirsMed, theirsMin] = [
      median(ours),
      Math.min(...ours),
      median(theirs),
      Math.min(...theirs),
    ];
    const kind = method.startsWith("scrypt") ? "scrypt" : (method.split(":")[1] ?? "");
    const webCrypto = kind !== "scrypt" && Number(method.split(":")[2]) <= 100_000;
    const budget = webCrypto ? "(WebCrypto)" : `≤ ${BUDGETS[kind]}`;
    console.info(
      `  ${method.padEnd(24)} ${`${oursMed} / ${oursMin}`.padEnd(17)} ${`${theirsMed.toFixed(1)} / ${theirsMin.toFixed(1)}`.padEnd(17)} ${(oursMed / theirsMed).toFixed(2)}; ${(oursMin / theirsMin).toFixed(2)}   ${budget}`,
    );
  }
  console.info(`  argon2id (every later login): ${median(argon2Times)} / ${Math.min(...argon2Times)}`);
});
