// docs/product.md "Sessions, cookies and CSRF": one `__session` cookie, HttpOnly, SameSite=Lax, Path=/, Secure on
// https, signed with SESSION_SECRET (first signs, all verify); a bad cookie means signed out.
// ASVS 5.0 V3.3.1 Secure, V3.3.2 SameSite, V3.3.4 HttpOnly.
import { beforeAll, describe, expect, it } from "vitest";
import { type Fields, newUser, registerThroughForm, signedInBrowser, TestBrowser } from "../helpers/browser";
import {
  CURRENT_SECRET,
  PREVIOUS_SECRET,
  readSessionCookie,
  SESSION_COOKIE,
  type SessionCookieData,
  sessionSetCookie,
  signSessionCookie,
} from "../helpers/cookies";

let user: Fields;
let signedIn: SessionCookieData;

beforeAll(async () => {
  user = await registerThroughForm(newUser({ first_name: "Radia" }));
  const { browser } = await signedInBrowser(user);
  signedIn = (await readSessionCookie(browser.cookies.get(SESSION_COOKIE) ?? "")) ?? {};
});

/** A fresh browser holding exactly this cookie value. */
function browserWithCookie(value: string): TestBrowser {
  const browser = new TestBrowser();
  browser.cookies.set(SESSION_COOKIE, value);
  return browser;
}

async function expectSignedOut(browser: TestBrowser) {
  const home = await browser.get("/");
  expect(home.response.status).toBe(200);
  expect(home.html).toContain('href="/login/"');
  expect(home.html).not.toContain("Radia");
  const dash = await browser.get("/dash/");
  expect(dash.response.status).toBe(303);
  expect(dash.response.headers.get("Location")).toBe("/login/?next=%2Fdash%2F");
}

async function expectSignedIn(browser: TestBrowser) {
  const dash = await browser.get("/dash/");
  expect(dash.response.status).toBe(200);
  expect(dash.html).toContain("Radia");
}

describe("cookie attributes", () => {
  it("a signed-in browser has two cookies: __session, and __device (signed, HttpOnly, a year, a random id only)", async () => {
    const browser = new TestBrowser();
    await browser.get("/login/");
    expect([...browser.cookies.keys()]).toEqual([SESSION_COOKIE]);
    const { response } = await browser.post("/login/", { email: user.email ?? "", password: user.password ?? "" });
    expect([...browser.cookies.keys()].sort()).toEqual(["__device", SESSION_COOKIE]);
    const line = response.headers.getSetCookie().find((cookie) => cookie.startsWith("__device=")) ?? "";
    expect(line).toMatch(/; HttpOnly/i);
    expect(line).toMatch(/; SameSite=Lax/i);
    expect(line).toMatch(/; Path=\//);
    expect(line).toMatch(/; Max-Age=31536000/);
    const value = decodeURIComponent(browser.cookies.get("__device") ?? "");
    // Remix's signed cookie: base64 of the JSON value, a dot, the signature.
    const [payload = "", signature = ""] = value.split(".");
    expect(signature).not.toBe("");
    const id = JSON.parse(decodeURIComponent(escape(atob(payload))));
    expect(id).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(value.toLowerCase()).not.toContain((user.email ?? "").split("@")[0]);
  });

  it("V3.3.2/V3.3.4 HttpOnly, SameSite=Lax, Path=/ on the anonymous, signed-in and logged-out cookie", async () => {
    const browser = new TestBrowser();
    const lines = [sessionSetCookie((await browser.get("/login/")).response)];
    lines.push(
      sessionSetCookie(
        (await browser.post("/login/", { email: user.email ?? "", password: user.password ?? "" })).response,
      ),
    );
    await browser.get("/dash/");
    lines.push(sessionSetCookie((await browser.post("/logout/", {})).response));
    for (const cookie of lines) {
      expect(cookie).not.toBeNull();
      expect(cookie?.attributes.get("httponly")).toBe(true);
      expect(cookie?.attributes.get("samesite")).toBe("Lax");
      expect(cookie?.attributes.get("path")).toBe("/");
      expect(cookie?.attributes.has("secure")).toBe(false); // plain http: a Secure cookie would be dropped
    }
  });

  it("V3.3.1 Secure when the request is https, on every cookie the app sets", async () => {
    const browser = new TestBrowser();
    const https = "https://localhost";
    const page = await browser.get(`${https}/login/`);
    expect(sessionSetCookie(page.response)?.attributes.get("secure")).toBe(true);
    const login = await browser.post(
      `${https}/login/`,
      { email: user.email ?? "", password: user.password ?? "" },
      { headers: { Origin: https } },
    );
    expect(login.response.status).toBe(303);
    expect(sessionSetCookie(login.response)?.attributes.get("secure")).toBe(true);
    await browser.get(`${https}/dash/`);
    const logout = await browser.post(`${https}/logout/`, {}, { headers: { Origin: https } });
    expect(logout.response.status).toBe(303);
    expect(sessionSetCookie(logout.response)?.attributes.get("secure")).toBe(true);
  });

  it("carries only the token, the CSRF token, the D1 bookmark of the last write and flash messages", async () => {
    expect(Object.keys(signedIn).sort()).toEqual(["bookmark", "csrf", "token"]);
  });
});

describe("a cookie that doesn't check out means signed out, never an error page", () => {
  it("control: the real cookie is signed in", async () => {
    expect(signedIn.token).toEqual(expect.any(String));
    expect(await readSessionCookie(await signSessionCookie(signedIn, CURRENT_SECRET), [CURRENT_SECRET])).toEqual(
      signedIn,
    );
    await expectSignedIn(browserWithCookie(await signSessionCookie(signedIn, CURRENT_SECRET)));
  });

  it("tampered with: one character of the payload changed", async () => {
    const value = await signSessionCookie(signedIn, CURRENT_SECRET);
    const tampered = `${value[0] === "e" ? "f" : "e"}${value.slice(1)}`;
    await expectSignedOut(browserWithCookie(tampered));
  });

  it("tampered with: the signature changed", async () => {
    const value = await signSessionCookie(signedIn, CURRENT_SECRET);
    const [payload] = value.split(".");
    await expectSignedOut(browserWithCookie(`${payload}.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA`));
  });

  it("unsigned: the payload alone", async () => {
    const [payload = ""] = (await signSessionCookie(signedIn, CURRENT_SECRET)).split(".");
    await expectSignedOut(browserWithCookie(payload));
  });

  it("signed with a secret the app does not know", async () => {
    await expectSignedOut(browserWithCookie(await signSessionCookie(signedIn, "an-attacker-secret-0123456789abcdef")));
  });

  it("properly signed but with a token that has no sessions row", async () => {
    const forged = { ...signedIn, token: "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA" };
    await expectSignedOut(browserWithCookie(await signSessionCookie(forged, CURRENT_SECRET)));
  });

  it("properly signed but holding junk instead of a token", async () => {
    await expectSignedOut(
      browserWithCookie(await signSessionCookie({ token: 42 as unknown as string, csrf: "x" }, CURRENT_SECRET)),
    );
  });

  it.each([
    ["empty", ""],
    ["garbage", "%%%not-a-cookie%%%"],
    ["not base64", "!!!!.????"],
    ["many dots", "a.b.c.d"],
    ["base64 of non-JSON", `${btoa("not json")}.x`],
    ["very long", "A".repeat(3000)],
  ])("garbage (%s)", async (_case, value) => {
    await expectSignedOut(browserWithCookie(value));
  });

  it("a garbled Cookie header", async () => {
    const response = await new TestBrowser().fetch("/", { headers: { Cookie: "__session=; ;;=;__session" } });
    expect(response.status).toBe(200);
  });
});

describe("secret rotation: the first secret signs, every secret verifies", () => {
  it("the test setup has two secrets", () => {
    expect(CURRENT_SECRET).not.toBe("");
    expect(PREVIOUS_SECRET).not.toBe("");
  });

  it("a cookie signed with the previous (second) secret still signs in", async () => {
    await expectSignedIn(browserWithCookie(await signSessionCookie(signedIn, PREVIOUS_SECRET)));
  });

  it("cookies the app sets are signed with the first secret", async () => {
    const browser = new TestBrowser();
    await browser.get("/login/");
    const value = browser.cookies.get(SESSION_COOKIE) ?? "";
    expect(await readSessionCookie(value, [CURRENT_SECRET])).not.toBeNull();
    expect(await readSessionCookie(value, [PREVIOUS_SECRET])).toBeNull();
  });

  it("a browser with an old-secret cookie gets a current-secret cookie when the app next writes one", async () => {
    const fresh = await registerThroughForm(newUser({ first_name: "Radia" }));
    const { browser } = await signedInBrowser(fresh);
    const data = (await readSessionCookie(browser.cookies.get(SESSION_COOKIE) ?? "")) ?? {};
    const old = browserWithCookie(await signSessionCookie(data, PREVIOUS_SECRET));
    await expectSignedIn(old);
    old.csrf = data.csrf ?? null;
    const { response } = await old.post("/logout/", {});
    expect(response.status).toBe(303);
    const rewritten = sessionSetCookie(response)?.value ?? "";
    expect(await readSessionCookie(rewritten, [CURRENT_SECRET])).not.toBeNull();
  });
});
