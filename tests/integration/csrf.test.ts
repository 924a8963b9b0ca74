// docs/product.md "Sessions, cookies and CSRF": every POST carries a token bound to the browser's own cookie; a
// POST without a valid one, or a cross-site one, is a 403 page and changes nothing. ASVS 5.0 V3.5.1.
import { beforeAll, describe, expect, it } from "vitest";
import { messages } from "~/messages";
import { type Fields, newUser, registerThroughForm, signedInBrowser, TestBrowser, textOf } from "../helpers/browser";
import { readSessionCookie, SESSION_COOKIE, sessionSetCookie } from "../helpers/cookies";
import { countUsers, sessionsOf, userByEmail } from "../helpers/db";

let user: Fields;

beforeAll(async () => {
  user = await registerThroughForm();
});

async function expectRefused(response: Response, html: string) {
  expect(response.status).toBe(403);
  expect(response.headers.get("Content-Type")).toBe("text/html; charset=utf-8");
  expect(textOf(html)).toContain(messages.csrfRejected);
  // A refused request signs nobody in.
  const cookie = sessionSetCookie(response);
  if (cookie) expect((await readSessionCookie(cookie.value))?.token).toBeUndefined();
}

/** The ways a token can be wrong, given the browser about to post and another browser's token. */
const badTokens: [string, (own: string, foreign: string) => Fields][] = [
  ["without a token", () => ({})],
  ["with an empty token", () => ({ csrf: "" })],
  ["with a wrong token", (own) => ({ csrf: `${own.slice(0, -2)}xx` })],
  ["with a token from another browser", (_own, foreign) => ({ csrf: foreign })],
];

async function anotherBrowsersToken(): Promise<string> {
  const other = new TestBrowser();
  await other.get("/login/");
  return other.csrf ?? "";
}

/** A POST with exactly these fields (no automatic token). */
async function postRaw(browser: TestBrowser, path: string, fields: Fields) {
  const saved = browser.csrf;
  browser.csrf = null;
  try {
    return await browser.post(path, fields);
  } finally {
    browser.csrf = saved;
  }
}

describe("POST /register/", () => {
  it.each(badTokens)("%s: 403, no user created", async (_case, token) => {
    const browser = new TestBrowser();
    await browser.get("/register/");
    const fields = newUser();
    const { response, html } = await postRaw(browser, "/register/", {
      ...fields,
      ...token(browser.csrf ?? "", await anotherBrowsersToken()),
    });
    await expectRefused(response, html);
    expect(await countUsers(fields.email ?? "")).toBe(0);
  });

  it("control: with its own token it registers", async () => {
    const browser = new TestBrowser();
    await browser.get("/register/");
    expect((await browser.post("/register/", newUser())).response.status).toBe(303);
  });

  it("without any cookie at all: 403", async () => {
    const browser = new TestBrowser();
    const { html } = await new TestBrowser().get("/register/");
    const token = /name="csrf" value="([^"]+)"/.exec(html)?.[1] ?? "";
    const fields = newUser();
    const { response, html: page } = await postRaw(browser, "/register/", { ...fields, csrf: token });
    await expectRefused(response, page);
    expect(await countUsers(fields.email ?? "")).toBe(0);
  });
});

describe("POST /login/", () => {
  it.each(badTokens)("%s: 403, no login recorded, no session", async (_case, token) => {
    const fresh = await registerThroughForm();
    const browser = new TestBrowser();
    await browser.get("/login/");
    const { response, html } = await postRaw(browser, "/login/", {
      email: fresh.email ?? "",
      password: fresh.password ?? "",
      ...token(browser.csrf ?? "", await anotherBrowsersToken()),
    });
    await expectRefused(response, html);
    expect((await userByEmail(fresh.email ?? ""))?.login_count).toBe(0);
    expect(await sessionsOf(fresh.email ?? "")).toEqual([]);
    expect((await browser.get("/dash/")).response.status).toBe(303);
  });

  it("control: with its own token it logs in", async () => {
    const browser = new TestBrowser();
    await browser.get("/login/");
    const { response } = await browser.post("/login/", { email: user.email ?? "", password: user.password ?? "" });
    expect(response.status).toBe(303);
  });
});

describe("POST /logout/", () => {
  it.each(badTokens)("%s: 403, still signed in, the session row kept", async (_case, token) => {
    const fresh = await registerThroughForm();
    const { browser } = await signedInBrowser(fresh);
    const { response, html } = await postRaw(
      browser,
      "/logout/",
      token(browser.csrf ?? "", await anotherBrowsersToken()),
    );
    await expectRefused(response, html);
    expect((await sessionsOf(fresh.email ?? "")).length).toBe(1);
    expect((await browser.get("/dash/")).response.status).toBe(200);
  });

  it("the anonymous token of the same browser from before login no longer works", async () => {
    const fresh = await registerThroughForm();
    const browser = new TestBrowser();
    await browser.get("/login/");
    const before = browser.csrf ?? "";
    await browser.post("/login/", { email: fresh.email ?? "", password: fresh.password ?? "" });
    const { response } = await postRaw(browser, "/logout/", { csrf: before });
    expect(response.status).toBe(403);
    expect((await browser.get("/dash/")).response.status).toBe(200);
  });
});

describe("cross-site POSTs are refused whatever the token", () => {
  const crossSite: [string, Record<string, string>][] = [
    ["Sec-Fetch-Site: cross-site", { "Sec-Fetch-Site": "cross-site" }],
    ["Sec-Fetch-Site: same-site (a sibling subdomain)", { "Sec-Fetch-Site": "same-site" }],
    ["a foreign Origin", { Origin: "https://evil.example" }],
    ["Origin: null from a sandboxed frame or data: URL", { Origin: "null", "Sec-Fetch-Site": "cross-site" }],
    ["the same host over another scheme", { Origin: "https://localhost" }],
  ];

  it.each(crossSite)("login with %s: 403, no session", async (_case, headers) => {
    const fresh = await registerThroughForm();
    const browser = new TestBrowser();
    await browser.get("/login/");
    const { response, html } = await browser.post(
      "/login/",
      { email: fresh.email ?? "", password: fresh.password ?? "" },
      { headers },
    );
    await expectRefused(response, html);
    expect(await sessionsOf(fresh.email ?? "")).toEqual([]);
  });

  it.each(crossSite)("register with %s: 403, no user", async (_case, headers) => {
    const browser = new TestBrowser();
    await browser.get("/register/");
    const fields = newUser();
    const { response, html } = await browser.post("/register/", fields, { headers });
    await expectRefused(response, html);
    expect(await countUsers(fields.email ?? "")).toBe(0);
  });

  it("logout with Sec-Fetch-Site: cross-site: 403, still signed in", async () => {
    const { browser } = await signedInBrowser(user);
    const { response, html } = await browser.post("/logout/", {}, { headers: { "Sec-Fetch-Site": "cross-site" } });
    await expectRefused(response, html);
    expect((await browser.get("/dash/")).response.status).toBe(200);
  });

  it("control: a client that sends neither header relies on the token alone, and gets in with it", async () => {
    const browser = new TestBrowser();
    await browser.get("/login/");
    const response = await browser.fetch("/login/", {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ csrf: browser.csrf ?? "", email: user.email ?? "", password: user.password ?? "" }),
    });
    expect(response.status).toBe(303);
    expect((await readSessionCookie(browser.cookies.get(SESSION_COOKIE) ?? ""))?.token).toBeDefined();
  });
});
