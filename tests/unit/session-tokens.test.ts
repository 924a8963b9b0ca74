// docs/product.md "Sessions": the cookie carries a random token (>= 128 bits); D1 keeps only its SHA-256, with the
// user and an expiry; an expired or unknown one means signed out. ASVS 5.0 V7.2.3 (token entropy),
// V7.3.2 (lifetime enforced on the server).

import { createExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import type { AppLoadContext } from "@remix-run/cloudflare";
import { describe, expect, it } from "vitest";
import { getUser } from "~/auth/auth.server";
import { newSignedInCookie } from "~/auth/session-cookie.server";
import { mintSessionToken, sessionIdFor } from "~/auth/session-rows.server";
import { sha256HexIndependent } from "../helpers/cookies";
import { createUser } from "../helpers/db";

function base64UrlBytes(token: string): Uint8Array {
  const base64 = token.replaceAll("-", "+").replaceAll("_", "/");
  return Uint8Array.from(atob(base64 + "=".repeat((4 - (base64.length % 4)) % 4)), (c) => c.charCodeAt(0));
}

function loadContext(): AppLoadContext {
  return { cloudflare: { env, ctx: createExecutionContext() } };
}

/** A request carrying a real signed `__session` cookie that holds `token`. */
async function requestWithToken(token: string): Promise<Request> {
  const setCookie = await newSignedInCookie(new Request("http://localhost/dash/"), loadContext(), token, undefined);
  const pair = setCookie.split(";")[0] ?? "";
  return new Request("http://localhost/dash/", { headers: { Cookie: pair } });
}

async function insertSession(userId: number, id: string, expiresAt: number) {
  await env.DB.prepare("INSERT INTO sessions (id, user_id, created_at, expires_at, remember) VALUES (?, ?, ?, ?, 0)")
    .bind(id, userId, Date.now(), expiresAt)
    .run();
}

let emailCounter = 0;
const uniqueEmail = () => `session-unit-${Date.now()}-${++emailCounter}@example.com`;

describe("session tokens", () => {
  it("V7.2.3 a token carries at least 128 random bits (base64url, 32 bytes)", async () => {
    const { token } = await mintSessionToken();
    expect(token).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(base64UrlBytes(token).byteLength).toBeGreaterThanOrEqual(16);
  });

  it("tokens never repeat", async () => {
    const tokens = await Promise.all(Array.from({ length: 50 }, () => mintSessionToken()));
    expect(new Set(tokens.map((minted) => minted.token)).size).toBe(50);
  });

  it("the stored id is the SHA-256 (hex) of the token, never the token itself", async () => {
    const { token, id } = await mintSessionToken();
    expect(id).toMatch(/^[0-9a-f]{64}$/);
    expect(id).toBe(sha256HexIndependent(token));
    expect(id).not.toContain(token);
    expect(await sessionIdFor(token)).toBe(id);
  });
});

describe("looking a session up in D1 (getUser)", () => {
  it("a cookie token whose hash is a live sessions row is that row's user", async () => {
    const email = uniqueEmail();
    const userId = (await createUser({ email, passwordHash: "x", firstName: "Live" })).user.id;
    const { token, id } = await mintSessionToken();
    await insertSession(userId, id, Date.now() + 60_000);
    const user = await getUser(await requestWithToken(token), loadContext());
    expect(user).toMatchObject({ id: userId, email, firstName: "Live", sessionId: id });
  });

  it("V7.3.2 an expired row means signed out", async () => {
    const userId = (await createUser({ email: uniqueEmail(), passwordHash: "x" })).user.id;
    const { token, id } = await mintSessionToken();
    await insertSession(userId, id, Date.now() + 60_000);
    expect(await getUser(await requestWithToken(token), loadContext())).not.toBeNull();

    await env.DB.prepare("UPDATE sessions SET expires_at = ? WHERE id = ?")
      .bind(Date.now() - 1, id)
      .run();
    expect(await getUser(await requestWithToken(token), loadContext())).toBeNull();
  });

  it("an unknown token means signed out", async () => {
    const { token } = await mintSessionToken();
    expect(await getUser(await requestWithToken(token), loadContext())).toBeNull();
  });

  it("a leaked sessions.id is useless as a cookie token (only its preimage signs in)", async () => {
    const userId = (await createUser({ email: uniqueEmail(), passwordHash: "x" })).user.id;
    const { token, id } = await mintSessionToken();
    await insertSession(userId, id, Date.now() + 60_000);
    expect(await getUser(await requestWithToken(id), loadContext())).toBeNull();
    expect(await getUser(await requestWithToken(token), loadContext())).not.toBeNull();
  });

  it("no cookie at all means signed out", async () => {
    expect(await getUser(new Request("http://localhost/dash/"), loadContext())).toBeNull();
  });
});
