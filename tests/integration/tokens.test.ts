// The one token module (app/auth/tokens.server.ts) against the real local D1: issue, look up,
// spend once, expiry on a clock the test controls (every function takes `now`), the newest of a
// purpose voiding older ones, the credential generation, and concurrent spends.
import { env } from "cloudflare:workers";
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import {
  dropTokens,
  findLiveToken,
  hashOfPresented,
  issueToken,
  newToken,
  spendToken,
  type TokenPurpose,
} from "~/auth/tokens.server";
import { config } from "~/config";
import { getDbOutsideRequest, schema } from "~/database/db.server";
import { newUser } from "../helpers/browser";
import { sha256HexIndependent } from "../helpers/cookies";
import { createUser, tokensOf } from "../helpers/db";

const db = getDbOutsideRequest(env);
const { users } = schema;
const T0 = new Date("2026-12-04T18:00:00Z");
const MINUTE = 60 * 1000;

async function user() {
  const email = newUser().email ?? "";
  const { id } = (await createUser({ email, passwordHash: "unusable" })).user;
  return { email, id };
}

async function issue(userId: number, purpose: TokenPurpose, { data = null as string | null, now = T0 } = {}) {
  const fresh = await newToken();
  const [[stored]] = await db.batch([
    ...issueToken(db, { hash: fresh.hash, purpose, forUser: eq(users.id, userId), data, now }),
  ]);
  return { ...fresh, stored };
}

async function spend(purpose: TokenPurpose, token: string, now = T0) {
  const hash = await hashOfPresented(token);
  if (!hash) return [];
  return spendToken(db, purpose, hash, now).all();
}

describe("issuing", () => {
  it("hands out 256 random bits as base64url and stores only their SHA-256, the purpose, data, generation and expiry", async () => {
    const { email, id } = await user();
    const { token, hash, stored } = await issue(id, "change_email", { data: "new@example.com" });
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(hash).toBe(sha256HexIndependent(token));
    expect(stored).toEqual({ userId: id });
    const [row] = await tokensOf(email, "change_email");
    expect(row).toEqual({
      id: sha256HexIndependent(token),
      user_id: id,
      purpose: "change_email",
      data: "new@example.com",
      credential_generation: 0,
      created_at: T0.getTime(),
      expires_at: T0.getTime() + config.tokens.lifetimeMs.change_email,
    });
    expect(JSON.stringify((await env.DB.prepare("SELECT * FROM tokens").all()).results)).not.toContain(token);
  });

  it("each purpose lives as long as the product says: reset 30 min, confirmation 24 h, change 1 h, pending sign-in 5 min", () => {
    expect(config.tokens.lifetimeMs).toEqual({
      password_reset: 30 * MINUTE,
      verify_email: 24 * 60 * MINUTE,
      change_email: 60 * MINUTE,
      second_factor: 5 * MINUTE,
    });
  });

  it("a condition that selects no user stores nothing and voids nothing", async () => {
    const { email, id } = await user();
    await issue(id, "password_reset");
    const fresh = await newToken();
    const [stored, voided] = await db.batch([
      ...issueToken(db, {
        hash: fresh.hash,
        purpose: "password_reset",
        forUser: eq(users.email, "nobody@example.com"),
      }),
    ]);
    expect(stored).toEqual([]);
    expect(voided.meta.changes).toBe(0);
    expect(await tokensOf(email, "password_reset")).toHaveLength(1);
  });

  it("two tokens never share a value", async () => {
    const made = await Promise.all(Array.from({ length: 50 }, () => newToken()));
    expect(new Set(made.map((t) => t.token)).size).toBe(50);
  });
});

describe("the newest voids older ones", () => {
  it("of the same purpose and user only", async () => {
    const [a, b] = [await user(), await user()];
    const older = await issue(a.id, "verify_email");
    const otherPurpose = await issue(a.id, "password_reset");
    const otherUser = await issue(b.id, "verify_email");
    const newer = await issue(a.id, "verify_email", { now: new Date(T0.getTime() + 1000) });
    expect(await findLiveToken(db, "verify_email", older.hash, T0)).toBeNull();
    expect(await spend("verify_email", older.token)).toEqual([]);
    expect((await findLiveToken(db, "verify_email", newer.hash, T0))?.userId).toBe(a.id);
    expect((await findLiveToken(db, "password_reset", otherPurpose.hash, T0))?.userId).toBe(a.id);
    expect((await findLiveToken(db, "verify_email", otherUser.hash, T0))?.userId).toBe(b.id);
  });
});

describe("looking up and spending", () => {
  it("findLiveToken names the holder and the data without spending; spendToken works exactly once", async () => {
    const { email, id } = await user();
    const { token, hash } = await issue(id, "second_factor", { data: '{"next":"/account/","remember":true}' });
    const holder = await findLiveToken(db, "second_factor", hash, T0);
    expect(holder).toEqual({
      userId: id,
      email,
      firstName: "Test",
      purpose: "second_factor",
      data: '{"next":"/account/","remember":true}',
    });
    expect(await findLiveToken(db, "second_factor", hash, T0)).toEqual(holder);
    expect(await spend("second_factor", token)).toEqual([
      { userId: id, data: '{"next":"/account/","remember":true}', generation: 0 },
    ]);
    expect(await spend("second_factor", token)).toEqual([]);
    expect(await findLiveToken(db, "second_factor", hash, T0)).toBeNull();
  });

  it("a token of one purpose is nothing for another", async () => {
    const { id } = await user();
    const { token, hash } = await issue(id, "verify_email");
    expect(await findLiveToken(db, "change_email", hash, T0)).toBeNull();
    expect((await findLiveToken(db, ["change_email", "verify_email"], hash, T0))?.purpose).toBe("verify_email");
    expect(await spend("password_reset", token)).toEqual([]);
    expect(await spend("verify_email", token)).toHaveLength(1);
  });

  it.each([
    ["missing", null],
    ["empty", ""],
    ["too short", "abc"],
    ["too long", "A".repeat(44)],
    ["not base64url", "$".repeat(43)],
  ])("a %s presented token has no hash (no query is made)", async (_case, presented) => {
    expect(await hashOfPresented(presented)).toBeNull();
    expect(await findLiveToken(db, "password_reset", null)).toBeNull();
  });
});

describe("expiry, on the test's clock", () => {
  it("live until its lifetime ends, dead from that moment: neither found nor spent", async () => {
    const { id } = await user();
    const { token, hash } = await issue(id, "password_reset");
    const lastLiveMoment = new Date(T0.getTime() + 30 * MINUTE - 1);
    const end = new Date(T0.getTime() + 30 * MINUTE);
    expect(await findLiveToken(db, "password_reset", hash, lastLiveMoment)).not.toBeNull();
    expect(await findLiveToken(db, "password_reset", hash, end)).toBeNull();
    expect(await spend("password_reset", token, end)).toEqual([]);
    expect(await spend("password_reset", token, lastLiveMoment)).toHaveLength(1);
  });
});

describe("bound to the credential generation", () => {
  it("a credential change after issue voids the token; one issued after it works", async () => {
    const { id } = await user();
    const before = await issue(id, "password_reset");
    await env.DB.prepare("UPDATE users SET credential_generation = credential_generation + 1 WHERE id = ?")
      .bind(id)
      .run();
    expect(await findLiveToken(db, "password_reset", before.hash, T0)).toBeNull();
    expect(await spend("password_reset", before.token)).toEqual([]);
    const after = await issue(id, "password_reset");
    expect(await spend("password_reset", after.token)).toEqual([{ userId: id, data: null, generation: 1 }]);
  });
});

describe("two uses at once", () => {
  it("of 20 concurrent spends of one token, exactly one gets it", async () => {
    const { id } = await user();
    const { token } = await issue(id, "change_email", { data: "x@example.com" });
    const results = await Promise.all(Array.from({ length: 20 }, () => spend("change_email", token)));
    expect(results.filter((rows) => rows.length === 1)).toHaveLength(1);
    expect(results.filter((rows) => rows.length === 0)).toHaveLength(19);
  });
});

describe("dropTokens", () => {
  it("deletes a user's tokens of the given purposes, and nothing else", async () => {
    const [a, b] = [await user(), await user()];
    await issue(a.id, "password_reset");
    await issue(a.id, "second_factor");
    await issue(a.id, "verify_email");
    await issue(b.id, "password_reset");
    await dropTokens(db, a.id, ["password_reset", "second_factor"]).run();
    expect(await tokensOf(a.email, "password_reset")).toEqual([]);
    expect(await tokensOf(a.email, "second_factor")).toEqual([]);
    expect(await tokensOf(a.email, "verify_email")).toHaveLength(1);
    expect(await tokensOf(b.email, "password_reset")).toHaveLength(1);
  });
});
