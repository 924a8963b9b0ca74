// docs/product.md "URLs", "Home", the forms of "Registration" and "Login", and the page header:
// what each URL answers, slash-less URLs, slashed links and actions, and the fields of each form.
import { SELF } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { HONEYPOT_FIELD } from "~/validation";
import { type Fields, newUser, registerThroughForm, signedInBrowser, TestBrowser, textOf } from "../helpers/browser";
import { isSlashedForm, labelFor, linksAndActions, select, selectOne, visibleInputs } from "../helpers/html";

let user: Fields;
let signedIn: TestBrowser;

beforeAll(async () => {
  user = await registerThroughForm(newUser({ first_name: "Katherine", last_name: "Johnson" }));
  ({ browser: signedIn } = await signedInBrowser(user));
});

function expectHtmlPage(response: Response) {
  expect(response.headers.get("Content-Type")).toBe("text/html; charset=utf-8");
  // Pages carry CSRF tokens and personal data: no cache may keep them.
  expect(response.headers.get("Cache-Control")).toBe("no-store");
}

describe("every page URL ends with a slash and answers there", () => {
  it.each(["/", "/register/", "/login/"])("GET %s signed out: 200 HTML, not cached", async (path) => {
    const { response } = await new TestBrowser().get(path);
    expect(response.status).toBe(200);
    expectHtmlPage(response);
  });

  it.each(["/", "/dash/", "/logout/"])("GET %s signed in: 200 HTML, not cached", async (path) => {
    const { response } = await signedIn.get(path);
    expect(response.status).toBe(200);
    expectHtmlPage(response);
  });

  it.each([
    ["/dash/", "/login/?next=%2Fdash%2F"],
    ["/logout/", "/login/"],
  ])("GET %s signed out redirects to %s", async (path, location) => {
    const { response } = await new TestBrowser().get(path);
    expect([302, 303]).toContain(response.status);
    expect(response.headers.get("Location")).toBe(location);
  });

  it("GET /healthcheck/ answers 200", async () => {
    expect((await SELF.fetch("http://localhost/healthcheck/")).status).toBe(200);
  });
});

describe("slash-less URLs work too", () => {
  it.each([
    ["/login", "/login/"],
    ["/register", "/register/"],
    ["/logout", "/logout/"],
    ["/dash", "/dash/"],
    ["/healthcheck", "/healthcheck/"],
    ["/login?next=%2Fdash%2F%3Ftab%3D1", "/login/?next=%2Fdash%2F%3Ftab%3D1"],
    ["/dash?tab=1&x=%20y", "/dash/?tab=1&x=%20y"],
  ])("GET %s: 308 to %s, query kept", async (path, location) => {
    const response = await SELF.fetch(`http://localhost${path}`, { redirect: "manual" });
    expect(response.status).toBe(308);
    expect(response.headers.get("Location")).toBe(`http://localhost${location}`);
  });

  it("HEAD /login: 308 to /login/", async () => {
    const response = await SELF.fetch("http://localhost/login", { method: "HEAD", redirect: "manual" });
    expect(response.status).toBe(308);
    expect(response.headers.get("Location")).toBe("http://localhost/login/");
  });

  it.each(["//evil.example/x", "/\\evil.example/x", "///evil.example/x", "/\\/evil.example/x", "/%2F/evil.example/x"])(
    "the slash-adding redirect of %s stays on the site",
    async (path) => {
      const response = await SELF.fetch(`http://localhost${path}`, { redirect: "manual" });
      expect(response.status).toBe(308);
      const location = response.headers.get("Location") ?? "";
      // Where a browser on this page would go.
      expect(new URL(location, `http://localhost${path}`).origin).toBe("http://localhost");
      expect(new URL(location, "http://localhost/").origin).toBe("http://localhost");
    },
  );

  it("following the redirect lands on the page", async () => {
    const response = await SELF.fetch("http://localhost/register");
    expect(response.status).toBe(200);
    expect(response.url).toBe("http://localhost/register/");
    expect(textOf(await response.text())).toContain("Have an account already? Log in");
  });

  it("POST /register (no slash) registers", async () => {
    const browser = new TestBrowser();
    await browser.get("/register/");
    const { response } = await browser.post("/register", newUser());
    expect(response.status).toBe(303);
    expect(response.headers.get("Location")).toBe("/login/");
  });

  it("POST /login (no slash) logs in, and POST /logout (no slash) logs out", async () => {
    const browser = new TestBrowser();
    await browser.get("/login/");
    const login = await browser.post("/login", { email: user.email ?? "", password: user.password ?? "" });
    expect(login.response.status).toBe(303);
    expect(login.response.headers.get("Location")).toBe("/dash/");
    await browser.get("/dash/");
    const logout = await browser.post("/logout", {});
    expect(logout.response.status).toBe(303);
    expect(logout.response.headers.get("Location")).toBe("/");
  });
});

describe("every link and form action the app emits is slashed", () => {
  it("on the signed-out pages, the 404 page and the forms returned with errors", async () => {
    const browser = new TestBrowser();
    const pages = [
      (await browser.get("/")).html,
      (await browser.get("/login/")).html,
      (await browser.get("/register/")).html,
      (await browser.get("/login/?next=%2Fdash%2F")).html,
      (await browser.get("/no-such-page/")).html,
      (await browser.post("/login/", { email: "nobody@example.com", password: "wrong password" })).html,
      (await browser.post("/register/", { email: "bad" })).html,
    ];
    const urls = (await Promise.all(pages.map(linksAndActions))).flat();
    expect(urls.length).toBeGreaterThan(10);
    expect(urls.filter((url) => !isSlashedForm(url))).toEqual([]);
  });

  it("on the signed-in pages", async () => {
    const pages = [
      (await signedIn.get("/")).html,
      (await signedIn.get("/dash/")).html,
      (await signedIn.get("/logout/")).html,
    ];
    const urls = (await Promise.all(pages.map(linksAndActions))).flat();
    expect(urls).toContain("/logout/");
    expect(urls.filter((url) => !isSlashedForm(url))).toEqual([]);
  });

  it("the helper itself tells slashed from slash-less", () => {
    expect(isSlashedForm("/login")).toBe(false);
    expect(isSlashedForm("/login?next=%2F")).toBe(false);
    expect(isSlashedForm("(no action)")).toBe(false);
    expect(isSlashedForm("/login/?next=%2F")).toBe(true);
    expect(isSlashedForm("/favicon.svg")).toBe(true);
  });
});

describe("home page /", () => {
  it("has a heading and a link to /dash/", async () => {
    const { html } = await new TestBrowser().get("/");
    expect((await select(html, "main h1")).length).toBe(1);
    expect((await select(html, 'main a[href="/dash/"]')).length).toBe(1);
  });
});

describe("the page header, on every page", () => {
  it.each(["/", "/login/", "/register/", "/no-such-page/"])(
    'signed out, %s: "Log in" to /login/ and "Register" to /register/, no log-out button',
    async (path) => {
      const { html } = await new TestBrowser().get(path);
      const links = await select(html, "header a");
      expect(links.map((a) => [a.text, a.attrs.href])).toEqual(
        expect.arrayContaining([
          ["Log in", "/login/"],
          ["Register", "/register/"],
        ]),
      );
      expect(await select(html, "header form")).toEqual([]);
    },
  );

  it.each(["/", "/dash/", "/logout/", "/no-such-page/"])(
    'signed in, %s: the first name, a link to /dash/ and a "Log out" button posting to /logout/ with the CSRF token',
    async (path) => {
      const { html } = await signedIn.get(path);
      const header = await selectOne(html, "header");
      expect(header.text).toContain("Katherine");
      expect(header.text).not.toContain("Log in");
      expect(header.text).not.toContain("Register");
      expect((await select(html, 'header a[href="/dash/"]')).length).toBe(1);
      const form = await selectOne(html, "header form");
      expect(form.attrs).toMatchObject({ method: "post", action: "/logout/" });
      expect((await selectOne(html, "header form button")).text).toBe("Log out");
      expect((await selectOne(html, 'header form input[name="csrf"]')).attrs.value).toBe(signedIn.csrf);
    },
  );
});

describe("the registration form", () => {
  let html: string;
  beforeAll(async () => {
    ({ html } = await new TestBrowser().get("/register/"));
  });

  it("posts to /register/ with a CSRF token", async () => {
    const form = await selectOne(html, "main form");
    expect(form.attrs).toMatchObject({ method: "post", action: "/register/" });
    expect((await selectOne(html, 'main form input[name="csrf"]')).attrs.type).toBe("hidden");
  });

  it("has, in order, Email, First name, Last name, Password, Confirm password, with proper type and autocomplete", async () => {
    // The honeypot is for bots (tests/integration/security/bots-and-passwords.test.ts), not people.
    const inputs = (await visibleInputs(html)).filter((input) => input.attrs.name !== HONEYPOT_FIELD);
    const described = await Promise.all(
      inputs.map(async (input) => ({
        label: await labelFor(html, input.attrs.id ?? ""),
        name: input.attrs.name,
        type: input.attrs.type ?? "text",
        autocomplete: input.attrs.autocomplete,
      })),
    );
    expect(described).toEqual([
      { label: "Email", name: "email", type: "email", autocomplete: "email" },
      { label: "First name", name: "first_name", type: "text", autocomplete: "given-name" },
      { label: "Last name", name: "last_name", type: "text", autocomplete: "family-name" },
      { label: "Password", name: "password", type: "password", autocomplete: "new-password" },
      { label: "Confirm password", name: "confirm_password", type: "password", autocomplete: "new-password" },
    ]);
  });

  it('has a "Register" button and the link "Have an account already? Log in" to /login/', async () => {
    expect((await select(html, "main form button")).map((button) => button.text)).toEqual(["Register"]);
    const links = await select(html, "main a");
    expect(links.map((a) => [a.text, a.attrs.href])).toContainEqual(["Have an account already? Log in", "/login/"]);
  });

  it("a signed-in user is redirected to /dash/", async () => {
    const { response } = await signedIn.get("/register/");
    expect([302, 303]).toContain(response.status);
    expect(response.headers.get("Location")).toBe("/dash/");
  });
});

describe("the login form", () => {
  let html: string;
  beforeAll(async () => {
    ({ html } = await new TestBrowser().get("/login/"));
  });

  it("posts to /login/ with a CSRF token", async () => {
    expect((await selectOne(html, "main form")).attrs).toMatchObject({ method: "post", action: "/login/" });
    expect((await selectOne(html, 'main form input[name="csrf"]')).attrs.type).toBe("hidden");
  });

  it("has Email (type email), Password (current-password) and a Remember me checkbox, in order", async () => {
    const inputs = await visibleInputs(html);
    const described = await Promise.all(
      inputs.map(async (input) => ({
        label: await labelFor(html, input.attrs.id ?? ""),
        name: input.attrs.name,
        type: input.attrs.type ?? "text",
      })),
    );
    expect(described).toEqual([
      { label: "Email", name: "email", type: "email" },
      { label: "Password", name: "password", type: "password" },
      { label: "Remember me", name: "remember_me", type: "checkbox" },
    ]);
    // Part three, "Passkeys": "webauthn" makes browsers offer passkeys as the field is focused.
    expect(inputs[0]?.attrs.autocomplete).toBe("username webauthn");
    expect(inputs[1]?.attrs.autocomplete).toBe("current-password");
  });

  it('has a "Log in" button and the link "Need an account? Register" to /register/', async () => {
    expect((await select(html, "main form button")).map((button) => button.text)).toEqual(["Log in"]);
    const links = await select(html, "main a");
    expect(links.map((a) => [a.text, a.attrs.href])).toContainEqual(["Need an account? Register", "/register/"]);
  });

  it("carries a `next` from the query string through the form", async () => {
    const { html: withNext } = await new TestBrowser().get("/login/?next=%2Fdash%2F%3Ftab%3D1");
    expect((await selectOne(withNext, 'main form input[name="next"]')).attrs).toMatchObject({
      type: "hidden",
      value: "/dash/?tab=1",
    });
  });
});
