// docs/product.md "Account" (profile and page), with the guard, CSRF and header rules every signed-in page follows.
import { describe, expect, it } from "vitest";
import { type Fields, newUser, registerThroughForm, signedInBrowser, TestBrowser, textOf } from "../helpers/browser";
import { userByEmail } from "../helpers/db";
import { labelFor, linksAndActions, select, selectOne, visibleInputs } from "../helpers/html";

const PAGES = ["/account/", "/account/password/", "/account/delete/"];

async function signedIn(overrides: Partial<Fields> = {}) {
  const user = await registerThroughForm(newUser(overrides));
  const { browser } = await signedInBrowser(user);
  return { user, browser };
}

describe("the one shared guard", () => {
  it.each(PAGES)("GET %s signed out: to /login/ with next and the flash", async (path) => {
    const browser = new TestBrowser();
    const { response } = await browser.get(path);
    expect(response.status).toBe(303);
    expect(response.headers.get("Location")).toBe(`/login/?${new URLSearchParams({ next: path })}`);
    expect(textOf((await browser.get(response.headers.get("Location") ?? "")).html)).toContain(
      "Please log in to access this page.",
    );
  });

  it.each([...PAGES, "/account/sessions/"])("POST %s signed out: to /login/, nothing done", async (path) => {
    const browser = new TestBrowser();
    await browser.get("/login/");
    const { response } = await browser.post(path, { first_name: "X", last_name: "Y", session: "others" });
    expect(response.status).toBe(303);
    expect(response.headers.get("Location")).toMatch(/^\/login\/\?next=/);
  });

  it("a signed-in user who logs in after the redirect lands back on the page", async () => {
    const user = await registerThroughForm();
    const browser = new TestBrowser();
    await browser.get("/account/password/");
    await browser.get("/login/?next=%2Faccount%2Fpassword%2F");
    const { response } = await browser.post("/login/", {
      email: user.email ?? "",
      password: user.password ?? "",
      next: "/account/password/",
    });
    expect(response.headers.get("Location")).toBe("/account/password/");
    expect((await browser.get("/account/password/")).response.status).toBe(200);
  });
});

describe("GET /account/", () => {
  it("the profile form, the email read-only, the links, the devices list", async () => {
    const { user, browser } = await signedIn({ first_name: "Grace", last_name: "Hopper" });
    const { response, html } = await browser.get("/account/");
    expect(response.status).toBe(200);
    const profile = 'main form[action="/account/"]';
    expect((await selectOne(html, profile)).attrs.method).toBe("post");
    const inputs = await visibleInputs(html, profile);
    expect(inputs.map((input) => [input.attrs.name, input.attrs.autocomplete, input.attrs.value])).toEqual([
      ["first_name", "given-name", "Grace"],
      ["last_name", "family-name", "Hopper"],
    ]);
    expect(await labelFor(html, inputs[0]?.attrs.id ?? "")).toBe("First name");
    expect(await labelFor(html, inputs[1]?.attrs.id ?? "")).toBe("Last name");
    expect((await selectOne(html, `${profile} button`)).text).toBe("Save");
    expect((await selectOne(html, `${profile} input[name="csrf"]`)).attrs.value).toBe(browser.csrf);
    // The email is shown, and no field offers to change it.
    expect(textOf(html)).toContain(user.email);
    expect(await select(html, 'main input[name="email"]')).toEqual([]);
    const links = await select(html, "main a");
    expect(links.map((a) => [a.text, a.attrs.href])).toEqual(
      expect.arrayContaining([
        ["Change password", "/account/password/"],
        ["Delete account", "/account/delete/"],
      ]),
    );
    expect(textOf(html)).toContain("This device");
    for (const target of await linksAndActions(html)) expect(target).toMatch(/\/$|^\(no action\)$|\.svg$/);
  });

  it('the header shows the first name and the "Account" link on every signed-in page', async () => {
    const { browser } = await signedIn({ first_name: "Katherine" });
    for (const path of ["/", "/dash/", ...PAGES]) {
      const { html } = await browser.get(path);
      const header = await selectOne(html, "header");
      expect(header.text).toContain("Katherine");
      expect((await select(html, "header a")).map((a) => [a.text, a.attrs.href])).toContainEqual([
        "Account",
        "/account/",
      ]);
    }
  });

  it("signed out, the header has no Account link", async () => {
    const { html } = await new TestBrowser().get("/");
    expect((await select(html, "header a")).map((a) => a.attrs.href)).not.toContain("/account/");
  });
});

describe("POST /account/ (profile)", () => {
  it("saves the trimmed names, flashes once, 303 to /account/; the header shows the new first name at once", async () => {
    const { user, browser } = await signedIn();
    const { response } = await browser.post("/account/", { first_name: "  Mary ", last_name: " Somerville " });
    expect(response.status).toBe(303);
    expect(response.headers.get("Location")).toBe("/account/");
    const row = await userByEmail(user.email ?? "");
    expect([row?.first_name, row?.last_name]).toEqual(["Mary", "Somerville"]);
    const { html } = await browser.get("/account/");
    expect(textOf(html)).toContain("Your details have been saved.");
    expect((await selectOne(html, "header .nav-user")).text).toBe("Mary");
    expect(textOf((await browser.get("/account/")).html)).not.toContain("Your details have been saved.");
  });

  it("the names are checked by registration's own rules: the same messages, 400, typed values kept, nothing written", async () => {
    const { user, browser } = await signedIn();
    const long = "x".repeat(101);
    const cases: Fields[] = [
      { first_name: "   ", last_name: "Ok" },
      { first_name: "Ok", last_name: "" },
      { first_name: long, last_name: "Ok" },
      { last_name: "Ok" },
    ];
    for (const fields of cases) {
      const account = await browser.post("/account/", fields);
      expect(account.response.status).toBe(400);
      const registration = new TestBrowser();
      await registration.get("/register/");
      const registrationFields: Fields = { ...newUser(), ...fields };
      if (!("first_name" in fields)) delete registrationFields.first_name;
      const register = await registration.post("/register/", registrationFields);
      // Registration's errors beside the names are the account page's, word for word.
      const errorsOf = async (html: string) => (await select(html, ".field-error")).map((error) => error.text);
      expect(await errorsOf(account.html)).toEqual(await errorsOf(register.html));
      expect((await errorsOf(account.html)).length).toBe(1);
      const kept = await visibleInputs(account.html, 'main form[action="/account/"]');
      expect(kept.map((input) => input.attrs.value ?? "")).toEqual([fields.first_name ?? "", fields.last_name ?? ""]);
    }
    const row = await userByEmail(user.email ?? "");
    expect([row?.first_name, row?.last_name]).toEqual(["Ada", "Lovelace"]);
  });

  it("names are escaped where shown", async () => {
    const { browser } = await signedIn();
    await browser.post("/account/", { first_name: "<script>x</script>", last_name: '"&' });
    const { html } = await browser.get("/account/");
    expect(html).not.toContain("<script>x</script>");
    expect(html).toContain("&lt;script&gt;x&lt;/script&gt;");
  });
});

describe("CSRF: every account POST without this browser's token is refused (403), nothing changed", () => {
  it.each([
    ["/account/", { first_name: "Eve", last_name: "Attacker" }],
    [
      "/account/password/",
      { current_password: "x", password: "new password 123", confirm_password: "new password 123" },
    ],
    ["/account/delete/", { password: "x" }],
    ["/account/sessions/", { session: "others" }],
  ])("%s", async (path, fields) => {
    const { user, browser } = await signedIn();
    const other = await signedIn();
    const before = await userByEmail(user.email ?? "");
    for (const csrf of ["", "forged", other.browser.csrf ?? ""]) {
      const { response, html } = await browser.post(path, { ...fields, csrf });
      expect(response.status).toBe(403);
      expect(textOf(html)).toContain("This form has expired or came from another site.");
    }
    expect(await userByEmail(user.email ?? "")).toEqual(before);
    expect((await browser.get("/dash/")).response.status).toBe(200);
  });
});
