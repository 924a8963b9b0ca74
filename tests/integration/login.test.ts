// docs/product.md "Login": failures (same text, same time, email kept), what a success records, where it goes
// (safe `next`), the signed-in visitor, and the previous login on the dashboard.
import { beforeAll, describe, expect, it } from "vitest";
import { messages } from "~/messages";
import { median } from "../../harness/stats";
import { type Fields, newUser, registerThroughForm, signedInBrowser, TestBrowser, textOf } from "../helpers/browser";
import { userByEmail } from "../helpers/db";
import { select, selectOne } from "../helpers/html";

// Five failed logins lock an account for 15 minutes (tests/integration/security/login-throttle.test.ts),
// so every test that fails logins on purpose does it on an account of its own.
let user: Fields;

beforeAll(async () => {
  user = await registerThroughForm(newUser({ first_name: "Hedy", last_name: "Lamarr" }));
});

async function postLogin(fields: Fields, path = "/login/") {
  const browser = new TestBrowser();
  await browser.get(path);
  return { browser, ...(await browser.post("/login/", fields)) };
}

async function formError(html: string): Promise<string> {
  return (await selectOne(html, 'main [role="alert"]')).text.replace(/^!\s*/, "");
}

describe("a failed login", () => {
  it('unknown email: 400 "Invalid email or password", the email kept', async () => {
    const { response, html } = await postLogin({ email: "nobody-here@example.com", password: "whatever pass" });
    expect(response.status).toBe(400);
    expect(await formError(html)).toBe("Invalid email or password");
    expect((await selectOne(html, 'input[name="email"]')).attrs.value).toBe("nobody-here@example.com");
    expect((await selectOne(html, 'input[name="password"]')).attrs.value).toBeUndefined();
  });

  it('wrong password: 400 "Invalid email or password", the email kept, nothing recorded', async () => {
    const own = await registerThroughForm();
    const before = await userByEmail(own.email ?? "");
    const { browser, response, html } = await postLogin({ email: own.email ?? "", password: "not the password" });
    expect(response.status).toBe(400);
    expect(await formError(html)).toBe(messages.invalidCredentials);
    expect((await selectOne(html, 'input[name="email"]')).attrs.value).toBe(own.email);
    expect(await userByEmail(own.email ?? "")).toEqual(before);
    expect((await browser.get("/dash/")).response.status).toBe(303);
  });

  it("the two failures are indistinguishable: same status, same page text", async () => {
    const own = await registerThroughForm();
    const email = "same-length-as-real@example.com";
    const unknown = await postLogin({ email, password: "wrong password" });
    const wrong = await postLogin({ email: own.email ?? "", password: "wrong password" });
    expect(unknown.response.status).toBe(wrong.response.status);
    const normalise = (html: string, typed: string) => textOf(html).replaceAll(typed, "EMAIL");
    expect(normalise(unknown.html, email)).toBe(normalise(wrong.html, own.email ?? ""));
  });

  it("an unknown email costs a password verification too (about the same time as a wrong password)", async () => {
    // Two accounts, four rounds each: a fifth failure would lock an account, and a locked account is
    // refused unhashed.
    const accounts = [await registerThroughForm(), await registerThroughForm()];
    const time = async (fields: Fields) => {
      const browser = new TestBrowser();
      await browser.get("/login/");
      const start = performance.now();
      const { response } = await browser.post("/login/", fields);
      expect(response.status).toBe(400);
      return performance.now() - start;
    };
    // Interleaved, so load on the machine falls on all three alike; medians, so one slow sample
    // (another process taking the CPU) moves nothing.
    const unknown: number[] = [];
    const wrong: number[] = [];
    const noHash: number[] = [];
    for (let i = 0; i < 4; i++) {
      for (const own of accounts) {
        unknown.push(await time({ email: `ghost${i}-${Date.now()}@example.com`, password: "wrong password" }));
        wrong.push(await time({ email: own.email ?? "", password: "wrong password" }));
        // A form error is answered before any hashing: the baseline cost of a request.
        noHash.push(await time({ email: own.email ?? "", password: "" }));
      }
    }
    const [u, w, n] = [median(unknown), median(wrong), median(noHash)];
    // A wrong password costs one argon2id verification (milliseconds) over the baseline...
    expect(w - n).toBeGreaterThan(5);
    // ...and so does an unknown email: a third of it at least (no shortcut for unknown accounts,
    // which would cost nothing over the baseline), a margin that holds on a loaded machine.
    expect(u - n).toBeGreaterThan((w - n) / 3);
  });

  it("a missing email or password is a 400 with a message, never a 500", async () => {
    const { response, html } = await postLogin({});
    expect(response.status).toBe(400);
    expect(textOf(html)).toContain(messages.emailRequired);
    expect(textOf(html)).toContain(messages.passwordRequired);
  });
});

describe("a successful login", () => {
  it("sets last_login_at to now (UTC ms), increments login_count, and redirects (303) to /dash/", async () => {
    const fresh = await registerThroughForm();
    const before = Date.now();
    const { response } = await postLogin({ email: fresh.email ?? "", password: fresh.password ?? "" });
    const after = Date.now();
    expect(response.status).toBe(303);
    expect(response.headers.get("Location")).toBe("/dash/");
    const row = await userByEmail(fresh.email ?? "");
    expect(row?.login_count).toBe(1);
    expect(row?.last_login_at).toBeGreaterThanOrEqual(before);
    expect(row?.last_login_at).toBeLessThanOrEqual(after);

    await postLogin({ email: fresh.email ?? "", password: fresh.password ?? "" });
    expect((await userByEmail(fresh.email ?? ""))?.login_count).toBe(2);
  });

  it("accepts the email in any case and with spaces around it", async () => {
    const { response } = await postLogin({
      email: `  ${(user.email ?? "").toUpperCase()} `,
      password: user.password ?? "",
    });
    expect(response.status).toBe(303);
  });

  it("the password is case- and space-sensitive", async () => {
    const own = await registerThroughForm();
    const upper = await postLogin({ email: own.email ?? "", password: (own.password ?? "").toUpperCase() });
    const spaced = await postLogin({ email: own.email ?? "", password: ` ${own.password}` });
    expect([upper.response.status, spaced.response.status]).toEqual([400, 400]);
  });
});

describe("where a login goes: the safe `next`, else /dash/", () => {
  it.each([
    ["/dash/?tab=1", "/dash/?tab=1"],
    ["/a/b#c", "/a/b#c"],
    ["/", "/"],
  ])("next=%s is followed", async (next, location) => {
    const { response } = await postLogin(
      { email: user.email ?? "", password: user.password ?? "", next },
      `/login/?${new URLSearchParams({ next })}`,
    );
    expect(response.status).toBe(303);
    expect(response.headers.get("Location")).toBe(location);
  });

  it.each([
    "//evil.example/",
    "/\\evil.example",
    "https://evil.example/",
    "javascript:alert(1)",
    "/%09/evil.example",
    "/login/",
    "/logout/",
    "",
  ])("next=%j falls back to /dash/", async (next) => {
    const { response } = await postLogin({ email: user.email ?? "", password: user.password ?? "", next });
    expect(response.status).toBe(303);
    expect(response.headers.get("Location")).toBe("/dash/");
  });

  it("the whole trip: /dash/ signed out → login page with next → back at /dash/", async () => {
    const browser = new TestBrowser();
    const guarded = await browser.get("/dash/");
    const loginUrl = guarded.response.headers.get("Location") ?? "";
    const { html } = await browser.get(loginUrl);
    const next = (await selectOne(html, 'input[name="next"]')).attrs.value ?? "";
    const { response } = await browser.post("/login/", {
      email: user.email ?? "",
      password: user.password ?? "",
      next,
    });
    expect(response.headers.get("Location")).toBe("/dash/");
    expect((await browser.get("/dash/")).response.status).toBe(200);
  });

  it("a failed login keeps the `next` for the next try", async () => {
    const own = await registerThroughForm();
    const { html } = await postLogin(
      { email: own.email ?? "", password: "wrong password", next: "/dash/?tab=2" },
      "/login/?next=%2Fdash%2F%3Ftab%3D2",
    );
    const hidden = await select(html, 'input[name="next"]');
    expect(hidden.map((input) => input.attrs.value)).toEqual(["/dash/?tab=2"]);
  });
});

describe("GET /login/ when already signed in", () => {
  let browser: TestBrowser;
  beforeAll(async () => {
    ({ browser } = await signedInBrowser(user));
  });

  it.each([
    ["/login/", "/dash/"],
    ["/login/?next=%2Fdash%2F%3Ftab%3D1", "/dash/?tab=1"],
    ["/login/?next=%2F%2Fevil.example", "/dash/"],
    ["/login/?next=https%3A%2F%2Fevil.example", "/dash/"],
    ["/login/?next=%2Flogin%2F", "/dash/"],
  ])("%s redirects at once to %s", async (path, location) => {
    const { response } = await browser.get(path);
    expect([302, 303]).toContain(response.status);
    expect(response.headers.get("Location")).toBe(location);
  });
});

describe("the dashboard after a second login", () => {
  it('shows "Logins: 2" and "Previous login: <the first login>"', async () => {
    const fresh = await registerThroughForm();
    await signedInBrowser(fresh);
    const first = (await userByEmail(fresh.email ?? ""))?.last_login_at ?? 0;
    const { browser } = await signedInBrowser(fresh);
    const text = textOf((await browser.get("/dash/")).html);
    expect(text).toContain("Logins: 2");
    expect(text).not.toContain("This is your first login");
    const shown = new Intl.DateTimeFormat("en-GB", { dateStyle: "medium", timeStyle: "short", timeZone: "UTC" }).format(
      new Date(first),
    );
    expect(text).toContain(`Previous login: ${shown} UTC`);
    const time = await selectOne((await browser.get("/dash/")).html, "main time");
    expect(time.attrs.datetime).toBe(new Date(first).toISOString());
  });
});
