// docs/product.md "Login" (a NEW session, remember me) and "Sessions": the server-side session behind the
// cookie — created fresh at login, stored as a hash, expiring within a day, gone with its user. ASVS 5.0 V7.2.4, V7.3.2.
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { type Fields, registerThroughForm, signedInBrowser, TestBrowser } from "../helpers/browser";
import { readSessionCookie, SESSION_COOKIE, sessionSetCookie, sha256HexIndependent } from "../helpers/cookies";
import { sessionById, sessionsOf, userByEmail } from "../helpers/db";

const DAY_MS = 86_400_000;

let user: Fields;

beforeAll(async () => {
  user = await registerThroughForm();
});

function credentials(fields: Fields = user): Fields {
  return { email: fields.email ?? "", password: fields.password ?? "" };
}

/** The token inside a browser's signed cookie (read with the test secrets). */
async function tokenOf(browser: TestBrowser): Promise<string | undefined> {
  const data = await readSessionCookie(browser.cookies.get(SESSION_COOKIE) ?? "");
  return data?.token;
}

async function isSignedIn(browser: TestBrowser): Promise<boolean> {
  const { response } = await browser.get("/dash/");
  if (response.status === 200) return true;
  expect(response.headers.get("Location")).toBe("/login/?next=%2Fdash%2F");
  return false;
}

describe("V7.2.4 login creates a new session (no session fixation)", () => {
  it("the cookie from before login never becomes signed in; the one after it is new", async () => {
    const browser = new TestBrowser();
    await browser.get("/login/");
    const before = browser.cookies.get(SESSION_COOKIE) ?? "";
    const anonymous = await readSessionCookie(before);
    expect(anonymous?.csrf).toEqual(expect.any(String));
    expect(anonymous?.token).toBeUndefined();

    const { response } = await browser.post("/login/", credentials());
    expect(response.status).toBe(303);
    const after = browser.cookies.get(SESSION_COOKIE) ?? "";
    const signedIn = await readSessionCookie(after);
    expect(after).not.toBe(before);
    expect(signedIn?.token).toEqual(expect.any(String));
    // Even the CSRF token is replaced: nothing from the anonymous cookie carries over.
    expect(signedIn?.csrf).not.toBe(anonymous?.csrf);

    // An attacker who planted (or kept) the pre-login cookie is still signed out.
    const planted = new TestBrowser();
    planted.cookies.set(SESSION_COOKIE, before);
    expect(await isSignedIn(planted)).toBe(false);
    expect(await isSignedIn(browser)).toBe(true);
  });

  it("every login gets its own token and its own sessions row", async () => {
    const first = await signedInBrowser(user);
    const second = await signedInBrowser(user);
    const [a, b] = [await tokenOf(first.browser), await tokenOf(second.browser)];
    expect(a).toBeDefined();
    expect(a).not.toBe(b);
    expect(await sessionById(sha256HexIndependent(a ?? ""))).not.toBeNull();
    expect(await sessionById(sha256HexIndependent(b ?? ""))).not.toBeNull();
  });

  it("a signed-in browser posting the login form is sent on, as the page itself does: no second session", async () => {
    const { browser } = await signedInBrowser(user);
    const old = await tokenOf(browser);
    const before = await sessionsOf(user.email ?? "");
    const { response } = await browser.post("/login/", credentials());
    expect(response.status).toBe(302);
    expect(response.headers.get("Location")).toBe("/dash/");
    expect(await tokenOf(browser)).toBe(old);
    expect(await sessionsOf(user.email ?? "")).toEqual(before);
    expect(await isSignedIn(browser)).toBe(true);
  });
});

describe("what D1 stores", () => {
  it("sessions.id is the SHA-256 of the cookie's token, never the token; the row names the user", async () => {
    const { browser } = await signedInBrowser(user);
    const token = (await tokenOf(browser)) ?? "";
    expect(token.length).toBeGreaterThanOrEqual(22); // >= 128 bits in base64url
    const row = await sessionById(sha256HexIndependent(token));
    expect(row?.user_id).toBe((await userByEmail(user.email ?? ""))?.id);
    expect(await sessionById(token)).toBeNull();
    const { results } = await env.DB.prepare("SELECT id FROM sessions").all<{ id: string }>();
    expect(results.map((r) => r.id)).not.toContain(token);
  });

  it("a failed login creates no session", async () => {
    const fresh = await registerThroughForm();
    const browser = new TestBrowser();
    await browser.get("/login/");
    await browser.post("/login/", { email: fresh.email ?? "", password: "wrong password" });
    expect(await sessionsOf(fresh.email ?? "")).toEqual([]);
    expect(await tokenOf(browser)).toBeUndefined();
  });
});

describe("remember me", () => {
  it("ticked: the cookie has Max-Age=86400 (it outlives the browser) and the row expires in one day", async () => {
    const fresh = await registerThroughForm();
    const before = Date.now();
    const { response } = await signedInBrowser(fresh, { remember_me: "y" });
    const cookie = sessionSetCookie(response);
    expect(cookie?.attributes.get("max-age")).toBe("86400");
    const [row, ...others] = await sessionsOf(fresh.email ?? "");
    expect(others).toEqual([]);
    expect(row?.remember).toBe(1);
    expect((row?.expires_at ?? 0) - (row?.created_at ?? 0)).toBe(DAY_MS);
    expect(row?.expires_at).toBeLessThanOrEqual(Date.now() + DAY_MS);
    expect(row?.created_at).toBeGreaterThanOrEqual(before);
  });

  it("not ticked: a browser-session cookie (no Max-Age, no Expires), and the row still expires within one day", async () => {
    const fresh = await registerThroughForm();
    const { response } = await signedInBrowser(fresh);
    const cookie = sessionSetCookie(response);
    expect(cookie).not.toBeNull();
    expect(cookie?.attributes.has("max-age")).toBe(false);
    expect(cookie?.attributes.has("expires")).toBe(false);
    const [row] = await sessionsOf(fresh.email ?? "");
    expect(row?.remember).toBe(0);
    expect(row?.expires_at).toBeLessThanOrEqual(Date.now() + DAY_MS);
    expect((row?.expires_at ?? 0) - (row?.created_at ?? 0)).toBeLessThanOrEqual(DAY_MS);
  });
});

describe("a session that should no longer count means signed out, never an error", () => {
  it("V7.3.2 expired on the server (expires_at in the past)", async () => {
    const { browser } = await signedInBrowser(user);
    const id = sha256HexIndependent((await tokenOf(browser)) ?? "");
    await env.DB.prepare("UPDATE sessions SET expires_at = ? WHERE id = ?")
      .bind(Date.now() - 1000, id)
      .run();
    expect(await isSignedIn(browser)).toBe(false);
    const { response, html } = await browser.get("/");
    expect(response.status).toBe(200);
    expect(html).toContain('href="/login/"');
  });

  it("an expired remembered session is signed out too, whatever the cookie's Max-Age", async () => {
    const fresh = await registerThroughForm();
    const { browser } = await signedInBrowser(fresh, { remember_me: "y" });
    await env.DB.prepare("UPDATE sessions SET expires_at = ? WHERE user_id = (SELECT id FROM users WHERE email = ?)")
      .bind(Date.now() - 1, fresh.email)
      .run();
    expect(await isSignedIn(browser)).toBe(false);
  });

  it("its user was deleted: the sessions rows go too (cascade)", async () => {
    const doomed = await registerThroughForm();
    const { browser } = await signedInBrowser(doomed);
    await signedInBrowser(doomed);
    const userId = (await userByEmail(doomed.email ?? ""))?.id;
    expect((await sessionsOf(doomed.email ?? "")).length).toBe(2);

    await env.DB.prepare("DELETE FROM users WHERE id = ?").bind(userId).run();
    const left = await env.DB.prepare("SELECT count(*) AS n FROM sessions WHERE user_id = ?")
      .bind(userId)
      .first<{ n: number }>();
    expect(left?.n).toBe(0);
    expect(await isSignedIn(browser)).toBe(false);
  });

  it("its row was deleted (e.g. logged out elsewhere)", async () => {
    const { browser } = await signedInBrowser(user);
    await env.DB.prepare("DELETE FROM sessions WHERE id = ?")
      .bind(sha256HexIndependent((await tokenOf(browser)) ?? ""))
      .run();
    expect(await isSignedIn(browser)).toBe(false);
  });
});
