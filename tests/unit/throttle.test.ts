// app/auth/throttle.server.ts on its own, against the local D1: the key, the counting upsert and its
// window, the verdict, and clearing. (The login flow's lockout: integration/security/login-throttle.test.ts.)
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import {
  accountKeyFor,
  checkVerdict,
  clearAccountChecks,
  clearChecks,
  countCheck,
  throttleKey,
} from "~/auth/throttle.server";
import { config } from "~/config";
import { sha256Hex } from "~/crypto/digest.server";
import { getDbOutsideRequest } from "~/database/db.server";

const { maxChecks, windowMs } = config.signInThrottle;
const db = getDbOutsideRequest(env);
const request = () => new Request("http://localhost/login/");
const unique = () => `throttle-${crypto.randomUUID()}@example.com`;

describe("throttleKey", () => {
  it("without a __device cookie: the account's bucket only, keyed by SHA-256 of the address", async () => {
    const email = unique();
    const key = await throttleKey(request(), env, email);
    expect(key.accountKey).toBe(await sha256Hex(email));
    expect(key.accountKey).toBe(await accountKeyFor(email));
    expect(key.accountBucket).toBe(`account:${key.accountKey}`);
    expect(key.deviceBucket).toBeNull();
    expect(key.deviceHash).toBeNull();
  });
});

describe("countCheck and checkVerdict", () => {
  it("counts each check in its window; the check after the allowance is refused with minutes to wait", async () => {
    const key = await throttleKey(request(), env, unique());
    const now = new Date();
    const verdicts = [];
    for (let i = 0; i <= maxChecks; i++) verdicts.push(checkVerdict(await countCheck(db, key, now), now));
    expect(verdicts.slice(0, maxChecks).every((verdict) => verdict.allowed)).toBe(true);
    expect(verdicts[maxChecks]).toEqual({ allowed: false, retryAfterMinutes: Math.ceil(windowMs / 60_000) });
  });

  it("starts over at 1 once the window has ended", async () => {
    const key = await throttleKey(request(), env, unique());
    const start = new Date();
    for (let i = 0; i <= maxChecks; i++) await countCheck(db, key, start);
    const later = new Date(start.getTime() + windowMs);
    const [row] = await countCheck(db, key, later);
    expect(row?.attempts).toBe(1);
    expect(row?.windowStartedAt.getTime()).toBe(later.getTime());
  });

  it("no row, or a count within the allowance, is allowed; a refusal waits at least a minute", () => {
    const now = new Date();
    expect(checkVerdict([], now)).toEqual({ allowed: true });
    expect(checkVerdict([{ attempts: maxChecks, windowStartedAt: now }], now)).toEqual({ allowed: true });
    const almostOver = new Date(now.getTime() - windowMs + 1_000);
    expect(checkVerdict([{ attempts: maxChecks + 1, windowStartedAt: almostOver }], now)).toEqual({
      allowed: false,
      retryAfterMinutes: 1,
    });
  });
});

describe("clearing", () => {
  it("clearChecks empties this browser's bucket; clearAccountChecks every bucket of the account", async () => {
    const email = unique();
    const key = await throttleKey(request(), env, email);
    const now = new Date();
    await countCheck(db, key, now);
    await countCheck(db, key, now);
    await clearChecks(db, key);
    expect((await countCheck(db, key, now))[0]?.attempts).toBe(1);
    await clearAccountChecks(db, key.accountKey);
    expect((await countCheck(db, key, now))[0]?.attempts).toBe(1);
    // Another account's bucket is untouched by this one's clearing.
    const other = await throttleKey(request(), env, unique());
    await countCheck(db, other, now);
    await clearAccountChecks(db, key.accountKey);
    expect((await countCheck(db, other, now))[0]?.attempts).toBe(2);
  });
});
