// docs/product.md "Dashboard": the shared guard for signed-out visitors, and what a signed-in user sees.
import { describe, expect, it } from "vitest";
import { newUser, registerThroughForm, signedInBrowser, TestBrowser, textOf } from "../helpers/browser";
import { select, selectOne } from "../helpers/html";

describe("signed out", () => {
  it('redirects to /login/?next=%2Fdash%2F with the flash "Please log in to access this page." (shown once)', async () => {
    const browser = new TestBrowser();
    const { response } = await browser.get("/dash/");
    expect(response.status).toBe(303);
    expect(response.headers.get("Location")).toBe("/login/?next=%2Fdash%2F");
    const login = await browser.get("/login/?next=%2Fdash%2F");
    expect(textOf(login.html)).toContain("Please log in to access this page.");
    expect(textOf((await browser.get("/login/?next=%2Fdash%2F")).html)).not.toContain("Please log in");
  });

  it("keeps the query string in next", async () => {
    const { response } = await new TestBrowser().get("/dash/?tab=1");
    expect(response.headers.get("Location")).toBe("/login/?next=%2Fdash%2F%3Ftab%3D1");
  });

  it("shows nothing of any user", async () => {
    const { html } = await new TestBrowser().get("/dash/");
    expect(html).toBe("");
  });
});

describe("signed in", () => {
  it('shows "Welcome, FIRST LAST", the email, "Logins: 1", "This is your first login" and a Log out button', async () => {
    const user = await registerThroughForm(newUser({ first_name: "Annie", last_name: "Easley" }));
    const { browser } = await signedInBrowser(user);
    const { response, html } = await browser.get("/dash/");
    expect(response.status).toBe(200);
    const text = textOf(html);
    expect((await selectOne(html, "main h1")).text).toBe("Welcome, Annie Easley");
    expect(text).toContain(user.email);
    expect(text).toContain("Logins: 1");
    expect(text).toContain("This is your first login");
    expect(text).not.toContain("Previous login");
    const forms = await select(html, 'main form[action="/logout/"]');
    expect(forms.map((form) => [form.attrs.method, form.text])).toEqual([["post", "Log out"]]);
  });

  it("counts logins: the third shows Logins: 3 and a previous login", async () => {
    const user = await registerThroughForm();
    await signedInBrowser(user);
    await signedInBrowser(user);
    const { browser } = await signedInBrowser(user);
    const text = textOf((await browser.get("/dash/")).html);
    expect(text).toContain("Logins: 3");
    expect(text).toMatch(/Previous login: \d{1,2} \w{3} \d{4}, \d{2}:\d{2} UTC/);
  });

  it("shows each user their own data", async () => {
    const first = await registerThroughForm(newUser({ first_name: "Mary", last_name: "Jackson" }));
    const second = await registerThroughForm(newUser({ first_name: "Dorothy", last_name: "Vaughan" }));
    const a = textOf((await (await signedInBrowser(first)).browser.get("/dash/")).html);
    const b = textOf((await (await signedInBrowser(second)).browser.get("/dash/")).html);
    expect(a).toContain("Welcome, Mary Jackson");
    expect(a).not.toContain(second.email);
    expect(b).toContain("Welcome, Dorothy Vaughan");
    expect(b).not.toContain(first.email);
  });
});
