// Stored hashes whose cost no real one comes near are unusable: the parsers refuse them, so a login
// never runs them (a pbkdf2:sha256:9999999999 hash would hold a request for hours, a 4 GiB argon2 m
// would exhaust the isolate), and users:import reports them. The argon2 kernel gives back the memory
// a bigger-than-usual verification needed.
import { describe, expect, it } from "vitest";
import { argon2id, kernelMemory } from "~/passwords/argon2/argon2.server";
import { ARGON2_COST_CEILINGS, verifyPassword, verifyStoredPassword } from "~/passwords/password.server";
import { describeStoredHash } from "~/passwords/stored-hash.server";
import { parseWerkzeugHash, WERKZEUG_COST_CEILINGS } from "~/passwords/werkzeug-hash.server";
import { readFlaskUsers } from "../../scripts/lib/flask-users";

const PASSWORD = "correct horse battery staple";
const base64 = (bytes: Uint8Array) => btoa(String.fromCharCode(...bytes)).replace(/=+$/, "");
const SALT = new Uint8Array(16).fill(7);

/** A real argon2id PHC string of PASSWORD with these costs. */
function argon2Phc(m: number, t: number): string {
  const tag = argon2id({ password: new TextEncoder().encode(PASSWORD), salt: SALT, m, t, p: 1 }, 32);
  return `$argon2id$v=19$m=${m},t=${t},p=1$${base64(SALT)}$${base64(tag)}`;
}

/** The same string with other cost figures written in (the tag no longer matters: nothing may run). */
function withCosts(phc: string, m: number, t: number): string {
  return phc.replace(/m=\d+,t=\d+/, `m=${m},t=${t}`);
}

describe("argon2id: memory over 64 MiB or more than 10 passes", () => {
  it("verifies at the ceilings, and refuses without running anything just above them", async () => {
    const { memoryKiB, passes } = ARGON2_COST_CEILINGS;
    expect(memoryKiB).toBe(65536);
    expect(passes).toBe(10);
    const atMemory = argon2Phc(memoryKiB, 1);
    expect(verifyPassword(atMemory, PASSWORD)).toBe(true);
    const atPasses = argon2Phc(64, passes);
    expect(verifyPassword(atPasses, PASSWORD)).toBe(true);

    for (const stored of [
      withCosts(atMemory, memoryKiB + 1, 1),
      withCosts(atPasses, 64, passes + 1),
      withCosts(atMemory, 4_294_967_295, 1),
      withCosts(atPasses, 64, 4_294_967_295),
    ]) {
      const before = kernelMemory().length;
      expect(verifyPassword(stored, PASSWORD), stored).toBe(false);
      expect(await verifyStoredPassword(stored, PASSWORD), stored).toEqual({ valid: false, upgrade: false });
      // Nothing ran on the hash's costs: the kernel's memory did not grow for it.
      expect(kernelMemory().length, stored).toBeLessThanOrEqual(Math.max(before, 21 * 1024 * 1024));
    }
  });

  it("gives back the memory a verification above today's 19 MiB needed", () => {
    const big = argon2Phc(48 * 1024, 1);
    expect(verifyPassword(big, PASSWORD)).toBe(true);
    // 48 MiB were needed; the instance kept between calls holds at most today's parameters' 20 MiB.
    expect(kernelMemory().length).toBeLessThanOrEqual(20 * 1024 * 1024);
    expect(verifyPassword(big, "wrong")).toBe(false);
    expect(kernelMemory().length).toBeLessThanOrEqual(20 * 1024 * 1024);
  });
});

// Well-formed hashes of the right digest lengths; the digests are arbitrary (nothing may run).
const SHA256_HEX = "ab".repeat(32);
const OVER_CEILINGS = [
  ["pbkdf2:sha256:1000001", `pbkdf2:sha256:1000001$salt1234$${SHA256_HEX}`],
  ["pbkdf2:sha1:9999999999", `pbkdf2:sha1:9999999999$salt1234$${"ab".repeat(20)}`],
  ["pbkdf2:sha512:2000000", `pbkdf2:sha512:2000000$salt1234$${"ab".repeat(64)}`],
  // 128·r·(N + p) bytes: 64 MiB + 1 KiB, 160 MiB, 64 MiB + 64 MiB (p).
  ["scrypt:65536:8:1", `scrypt:65536:8:1$salt1234$${"ab".repeat(64)}`],
  ["scrypt:16384:80:1", `scrypt:16384:80:1$salt1234$${"ab".repeat(64)}`],
  ["scrypt:2:8:65536", `scrypt:2:8:65536$salt1234$${"ab".repeat(64)}`],
] as const;

describe("werkzeug: PBKDF2 over 1,000,000 iterations, scrypt needing over 64 MiB", () => {
  it("reads hashes at the ceilings", () => {
    expect(WERKZEUG_COST_CEILINGS.pbkdf2Iterations).toBe(1_000_000);
    expect(WERKZEUG_COST_CEILINGS.scryptBytes).toBe(64 * 1024 * 1024);
    expect(parseWerkzeugHash(`pbkdf2:sha256:1000000$salt1234$${SHA256_HEX}`)).not.toBeNull();
    // werkzeug 3's default, 32 MiB, and the largest N with r = 8 that fits: 128·8·(32768 + 1) < 64 MiB.
    expect(parseWerkzeugHash(`scrypt:32768:8:1$salt1234$${"ab".repeat(64)}`)).not.toBeNull();
    expect(parseWerkzeugHash(`scrypt:32768:15:2$salt1234$${"ab".repeat(64)}`)).not.toBeNull();
  });

  it.each(OVER_CEILINGS)(
    "%s: not parsed, never run at login, described as over the ceilings",
    async (format, stored) => {
      expect(parseWerkzeugHash(stored)).toBeNull();
      expect(describeStoredHash(stored)).toEqual({ kind: "over-ceiling", format });
      const start = Date.now();
      expect(await verifyStoredPassword(stored, PASSWORD)).toEqual({ valid: false, upgrade: false });
      // Treated as an unknown hash: one dummy argon2id verification, not seconds of PBKDF2 or scrypt.
      await scheduler.wait(1);
      expect(Date.now() - start).toBeLessThan(2_000);
    },
  );

  it("users:import refuses each of them and reports the format, unless told to import them without a password", () => {
    const csv = [
      "email,first_name,last_name,password_hash",
      ...OVER_CEILINGS.map(([, stored], i) => `costly${i}@example.com,A,B,${stored}`),
      `fine@example.com,A,B,pbkdf2:sha256:1000000$salt1234$${SHA256_HEX}`,
    ].join("\n");
    const result = readFlaskUsers(new TextEncoder().encode(csv), { allowUnusable: false });
    if (!result.ok) throw new Error(result.error);
    expect(result.rows.map((row) => row.email)).toEqual(["fine@example.com"]);
    expect(result.skipped).toEqual(
      OVER_CEILINGS.map(([format], i) => ({
        line: i + 2,
        email: `costly${i}@example.com`,
        reason: "password hash cost over the ceilings",
        detail: `${format}: import it without a usable password with --allow-unusable`,
      })),
    );
    const unusable = readFlaskUsers(new TextEncoder().encode(csv), { allowUnusable: true });
    if (!unusable.ok) throw new Error(unusable.error);
    expect(unusable.rows.filter((row) => row.unusable)).toHaveLength(OVER_CEILINGS.length);
    expect(unusable.rows.every((row) => row.unusable === (row.passwordHash === "!no-usable-password"))).toBe(true);
  });
});
