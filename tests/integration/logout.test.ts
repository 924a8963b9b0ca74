// docs/product.md "Logout": only a POST with the CSRF token logs out; it deletes the server-side session, so the
// old cookie replayed is signed out (ASVS 5.0 V7.4.1); a GET never logs anyone out.
import { describe, expect, it } from "vitest";
import { newUser, registerThroughForm, replayCookie, signedInBrowser, TestBrowser, textOf } from "../helpers/browser";
import { readSessionCookie, SESSION_COOKIE, sessionSetCookie, sha256HexIndependent } from "../helpers/cookies";
import { sessionById } from "../helpers/db";
import { selectOne } from "../helpers/html";

async function signedInWithSession() {
  const user = await registerThroughForm(newUser({ first_name: "Barbara" }));
  const { browser } = await signedInBrowser(user);
  const cookie = browser.cookies.get(SESSION_COOKIE) ?? "";
  const token = (await readSessionCookie(cookie))?.token ?? "";
  return { user, browser, cookie, sessionId: sha256HexIndependent(token) };
}

describe("POST /logout/ with the CSRF token", () => {
  it("V7.4.1 deletes the sessions row, clears the token from the cookie and redirects (303) to /", async () => {
    const { browser, sessionId } = await signedInWithSession();
    expect(await sessionById(sessionId)).not.toBeNull();
    const { response } = await browser.post("/logout/", {});
    expect(response.status).toBe(303);
    expect(response.headers.get("Location")).toBe("/");
    expect(await sessionById(sessionId)).toBeNull();
    const cookie = sessionSetCookie(response);
    expect(cookie).not.toBeNull();
    expect((await readSessionCookie(cookie?.value ?? ""))?.token).toBeUndefined();
  });

  it('shows the flash "You have been logged out." on / once', async () => {
    const { browser } = await signedInWithSession();
    await browser.post("/logout/", {});
    const home = await browser.get("/");
    expect(textOf(home.html)).toContain("You have been logged out.");
    expect(home.html).toContain('href="/login/"');
    expect(textOf((await browser.get("/")).html)).not.toContain("You have been logged out.");
  });

  it("the old cookie, replayed, is signed out", async () => {
    const { browser, cookie } = await signedInWithSession();
    await browser.post("/logout/", {});
    const response = await replayCookie(cookie, "/dash/");
    expect(response.status).toBe(303);
    expect(response.headers.get("Location")).toBe("/login/?next=%2Fdash%2F");
  });

  it("signed out already: still a 303 to /, never an error", async () => {
    const browser = new TestBrowser();
    await browser.get("/login/");
    const { response } = await browser.post("/logout/", {});
    expect(response.status).toBe(303);
    expect(response.headers.get("Location")).toBe("/");
  });
});

describe("GET /logout/", () => {
  it("signed in: a page with the Log out button (a POST form with the token), and nobody is logged out", async () => {
    const { browser, sessionId } = await signedInWithSession();
    const { response, html } = await browser.get("/logout/");
    expect(response.status).toBe(200);
    expect((await selectOne(html, "main form")).attrs).toMatchObject({ method: "post", action: "/logout/" });
    expect((await selectOne(html, "main form button")).text).toBe("Log out");
    expect((await selectOne(html, 'main form input[name="csrf"]')).attrs.value).toBe(browser.csrf);
    expect(await sessionById(sessionId)).not.toBeNull();
    expect((await browser.get("/dash/")).response.status).toBe(200);
  });

  it("even a GET /logout/?x=1 or HEAD /logout/ logs nobody out", async () => {
    const { browser, sessionId } = await signedInWithSession();
    await browser.get("/logout/?x=1");
    await browser.fetch("/logout/", { method: "HEAD" });
    expect(await sessionById(sessionId)).not.toBeNull();
    expect((await browser.get("/dash/")).response.status).toBe(200);
  });

  it("signed out: a redirect to /login/", async () => {
    const { response } = await new TestBrowser().get("/logout/");
    expect([302, 303]).toContain(response.status);
    expect(response.headers.get("Location")).toBe("/login/");
  });
});
