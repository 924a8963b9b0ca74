// The Flask site's werkzeug hashes verify in workerd exactly as werkzeug's check_password_hash
// verifies them. The reference is the real werkzeug: every one on the machine (Debian's
// python3-werkzeug at least) hashes random passwords at test time; committed vectors from werkzeug
// 3.1 and 2.2 cover the formats that the installed one no longer (or not yet) writes.
import { describe, expect, it } from "vitest";
import { describeStoredHash } from "~/passwords/stored-hash.server";
import { verifyWerkzeugHash } from "~/passwords/werkzeug.server";
import { parseWerkzeugHash, werkzeugFormat } from "~/passwords/werkzeug-hash.server";
import { WERKZEUG_2_2_VECTORS, WERKZEUG_3_VECTORS } from "../fixtures/werkzeug-vectors";
import { randomPassword, werkzeugHashes } from "../helpers/werkzeug";

// Every method docs/product.md lists, either side of production's WebCrypto cap, and each version's default
// (2.2: pbkdf2:sha256:260000; 3.x: scrypt:32768:8:1). Counts above the cap run in our wasm kernel.
const METHODS: [method: string, passwords: number][] = [
  ["default", 1],
  ["pbkdf2:sha1:1000", 2],
  ["pbkdf2:sha256:100000", 2],
  ["pbkdf2:sha256:100001", 1],
  ["pbkdf2:sha512:2000", 2],
  ["pbkdf2:sha1:100001", 1],
  ["pbkdf2:sha512:260000", 2],
  ["scrypt:1024:8:1", 2],
  ["sha1", 2],
  ["sha256", 2],
  ["md5", 2],
];

/** A wrong password that differs from the right one as little as possible. */
function nearMiss(password: string): string {
  const last = password.at(-1) ?? "a";
  return `${password.slice(0, -1)}${last === "a" ? "b" : "a"}`;
}

describe("werkzeug hashes made by the real werkzeug, now", () => {
  it("verifies every format each installed werkzeug writes, ASCII and non-ASCII passwords, and rejects wrong ones", {
    timeout: 180_000,
  }, async () => {
    const items = METHODS.flatMap(([method, passwords]) =>
      [true, false].slice(0, passwords).map((nonAscii) => ({ method, password: randomPassword(nonAscii) })),
    );
    const runs = await werkzeugHashes(items);
    const verified: string[] = [];
    for (const run of runs) {
      for (const { method, password, hash } of run.hashes) {
        if (!hash) continue; // A method this werkzeug cannot write (2.2: scrypt; 3.x: the HMAC forms).
        const label = `werkzeug ${run.version} ${method} ${JSON.stringify(password)}`;
        expect(await verifyWerkzeugHash(hash, password), label).toBe(true);
        expect(await verifyWerkzeugHash(hash, nearMiss(password)), label).toBe(false);
        expect(describeStoredHash(hash).kind, label).toBe("werkzeug");
        verified.push(`${run.version} ${method}`);
      }
    }
    // Debian's python3-werkzeug (2.2) writes all but scrypt; a werkzeug ≥ 2.3 writes scrypt but not the HMAC forms.
    const writes = (method: string) => verified.some((entry) => entry.endsWith(` ${method}`));
    expect(["pbkdf2:sha1:1000", "pbkdf2:sha256:100001", "pbkdf2:sha512:2000"].every(writes), verified.join("\n")).toBe(
      true,
    );
  });
});

describe("werkzeug hashes from committed vectors", () => {
  it.each([
    ["werkzeug 3.1.8 (scrypt)", WERKZEUG_3_VECTORS],
    ["werkzeug 2.2.2 (salted HMAC: sha1, sha256, md5)", WERKZEUG_2_2_VECTORS],
  ])("verifies the vectors of %s and rejects wrong passwords", { timeout: 120_000 }, async (_, vectors) => {
    for (const { method, password, hash } of vectors) {
      expect(await verifyWerkzeugHash(hash, password), method).toBe(true);
      expect(await verifyWerkzeugHash(hash, nearMiss(password)), method).toBe(false);
      expect(werkzeugFormat(parseWerkzeugHash(hash) ?? expect.fail(method)), method).toBe(method);
    }
  });
});

describe("what is and is not a werkzeug hash", () => {
  const pbkdf2 = WERKZEUG_3_VECTORS.find((vector) => vector.method.startsWith("pbkdf2"))?.hash ?? "";
  const [method, salt, hex] = pbkdf2.split("$");

  it.each([
    ["empty", ""],
    ["no dollar", "pbkdf2:sha256:600000"],
    ["one dollar", `${method}$${salt}`],
    ["no salt", `${method}$$${hex}`],
    ["uppercase hex (werkzeug writes lowercase and compares exactly)", `${method}$${salt}$${hex?.toUpperCase()}`],
    ["a digest cut short", `${method}$${salt}$${hex?.slice(2)}`],
    ["a dollar inside the digest", `${method}$${salt}$${hex?.slice(0, 10)}$${hex?.slice(11)}`],
    ["no iteration count (its default differs between versions)", `pbkdf2:sha256$${salt}$${hex}`],
    ["zero iterations", `pbkdf2:sha256:0$${salt}$${hex}`],
    ["a signed count", `pbkdf2:sha256:+600000$${salt}$${hex}`],
    ["an unknown digest", `pbkdf2:sha384:1000$${salt}$${hex}`],
    ["plain text (werkzeug's 'plain' method)", "plain$$hunter22"],
    ["an unsalted digest", "md5$$5f4dcc3b5aa765d61d8327deb882cf99"],
    ["scrypt with N not a power of two", `scrypt:1000:8:1$${salt}$${"ab".repeat(64)}`],
    ["scrypt over the memory ceiling (1 GiB)", `scrypt:1048576:8:1$${salt}$${"ab".repeat(64)}`],
    ["scrypt with two parameters", `scrypt:16384:8$${salt}$${"ab".repeat(64)}`],
    ["argon2id", "$argon2id$v=19$m=19456,t=2,p=1$r4Mj7r0u/TZJ79cObVQjQQ$eFpCC9oa7cYr72LSijNMaC6WHXVHgOXsi1O27HlZX4Y"],
    ["bcrypt", "$2b$12$R9h/cIPz0gi.URNNX3kh2OPST9/PgBkqquzi.Ss7KIUgO2t0jWMUW"],
    ["non-ASCII digest", `${method}$${salt}$${hex?.slice(0, -1)}é`],
  ])("%s: not parsed, never verifies, never throws", async (_, stored) => {
    expect(parseWerkzeugHash(stored)).toBeNull();
    expect(await verifyWerkzeugHash(stored, "hunter22")).toBe(false);
  });
});

describe("production's PBKDF2 limit holds in every test", () => {
  it("WebCrypto refuses more than 100,000 iterations here, as in production (tests/setup/production-pbkdf2-limit.ts)", async () => {
    const key = await crypto.subtle.importKey("raw", new TextEncoder().encode("pw"), "PBKDF2", false, ["deriveBits"]);
    const params = { name: "PBKDF2", hash: "SHA-256", salt: new Uint8Array(16) };
    await expect(crypto.subtle.deriveBits({ ...params, iterations: 100_001 }, key, 256)).rejects.toThrow(
      /iteration counts above 100000 are not supported/,
    );
    expect((await crypto.subtle.deriveBits({ ...params, iterations: 100_000 }, key, 256)).byteLength).toBe(32);
  });
});
