// docs/product.md "Repeated posts": without JS, a double click on a slow page aborts the first
// navigation after its post has left, and the browser posts the same form again with the same
// cookie. The repeat gets the first one's answer: one account, one session, one login counted.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { config } from "~/config";
import { messages } from "~/messages";
import { browserAt, type Fields, newUser, registerThroughForm, type TestBrowser, textOf } from "../helpers/browser";
import { countUsers, sessionsOf, tokensOf, userByEmail } from "../helpers/db";

/**
 * Posts `fields` to `path` from one browser twice, both times with the cookie and token it had
 * before the first post (the first answer never reached it): one after the other, or both at once.
 * `twin` sent the first post, `browser` the second.
 */
async function postTwice(path: string, fields: Fields, at: "after" | "together") {
  const browser = await browserAt(path);
  const twin = browser.twin();
  const [first, second] =
    at === "together"
      ? await Promise.all([twin.post(path, fields), browser.post(path, fields)])
      : [await twin.post(path, fields), await browser.post(path, fields)];
  return { first, second, browser, twin };
}

/** Moves an account's creation back past the repeat window. */
async function ageBeyondRepeatWindow(email: string): Promise<void> {
  await env.DB.prepare("UPDATE users SET created_at = created_at - ? WHERE email = ?")
    .bind(config.repeatedPostMs + 1000, email)
    .run();
}

async function flashAfter(browser: TestBrowser, answer: { response: Response }): Promise<string> {
  const location = answer.response.headers.get("Location") ?? "";
  return textOf((await browser.get(location)).html);
}

describe("a registration posted again", () => {
  it.each(["after", "together"] as const)(
    "by the same browser (%s the first): both answers say registered, one account, one confirmation link",
    async (at) => {
      const fields = newUser();
      const { first, second, browser } = await postTwice("/register/", fields, at);
      expect([first.response.status, second.response.status]).toEqual([303, 303]);
      expect(second.response.headers.get("Location")).toBe("/login/");
      expect(await flashAfter(browser, second)).toContain(messages.registered);
      expect(await countUsers(fields.email ?? "")).toBe(1);
      expect(await tokensOf(fields.email ?? "", "verify_email")).toHaveLength(1);
    },
  );

  it("by the same browser with another password or other names, or by another browser: the address is taken", async () => {
    const fields = newUser();
    const browser = await browserAt("/register/");
    expect((await browser.twin().post("/register/", fields)).response.status).toBe(303);
    const before = await userByEmail(fields.email ?? "");
    const changes: Fields[] = [
      { password: "another good password", confirm_password: "another good password" },
      { first_name: "Grace" },
    ];
    for (const changed of changes) {
      const { response, html } = await browser.twin().post("/register/", { ...fields, ...changed });
      expect(response.status).toBe(400);
      expect(textOf(html)).toContain(messages.emailTaken);
    }
    const { response, html } = await (await browserAt("/register/")).post("/register/", fields);
    expect(response.status).toBe(400);
    expect(textOf(html)).toContain(messages.emailTaken);
    expect(await userByEmail(fields.email ?? "")).toEqual(before);
  });

  it("by the same browser more than a minute after the account was made: the address is taken", async () => {
    const fields = newUser();
    const browser = await browserAt("/register/");
    expect((await browser.twin().post("/register/", fields)).response.status).toBe(303);
    await ageBeyondRepeatWindow(fields.email ?? "");
    const { response, html } = await browser.post("/register/", fields);
    expect(response.status).toBe(400);
    expect(textOf(html)).toContain(messages.emailTaken);
  });
});

describe("a login posted again", () => {
  const credentials = (fields: Fields) => ({ email: fields.email ?? "", password: fields.password ?? "" });

  it.each(["after", "together"] as const)(
    "by the same browser (%s the first): one session, which both answers sign in to, one login counted",
    async (at) => {
      const fields = await registerThroughForm();
      const { first, second, browser, twin } = await postTwice("/login/", credentials(fields), at);
      expect([first.response.status, second.response.status]).toEqual([303, 303]);
      expect(await sessionsOf(fields.email ?? "")).toHaveLength(1);
      expect((await userByEmail(fields.email ?? ""))?.login_count).toBe(1);
      for (const client of [twin, browser]) {
        const dash = await client.get("/dash/");
        expect(dash.response.status).toBe(200);
        expect(textOf(dash.html)).toMatch(/Logins:\s*1(?!\d)/);
      }
    },
  );

  it("by the same browser, the first post landing last: the answer the browser kept still signs in", async () => {
    const fields = await registerThroughForm();
    const browser = await browserAt("/login/");
    const firstPost = browser.twin();
    expect((await browser.post("/login/", credentials(fields))).response.status).toBe(303);
    expect((await firstPost.post("/login/", credentials(fields))).response.status).toBe(303);
    expect((await browser.get("/dash/")).response.status).toBe(200);
    expect(await sessionsOf(fields.email ?? "")).toHaveLength(1);
    expect((await userByEmail(fields.email ?? ""))?.login_count).toBe(1);
  });

  it("by the same browser after a credential change: a new session, of the new credentials", async () => {
    const fields = await registerThroughForm();
    const browser = await browserAt("/login/");
    expect((await browser.twin().post("/login/", credentials(fields))).response.status).toBe(303);
    // What every credential change does to the account (credentials.server.ts).
    await env.DB.prepare("UPDATE users SET credential_generation = credential_generation + 1 WHERE email = ?")
      .bind(fields.email)
      .run();
    expect((await browser.post("/login/", credentials(fields))).response.headers.get("Location")).toBe("/dash/");
    expect((await browser.get("/dash/")).response.status).toBe(200);
    expect((await userByEmail(fields.email ?? ""))?.login_count).toBe(2);
  });

  it("by two browsers: two sessions, two logins", async () => {
    const fields = await registerThroughForm();
    for (const _ of [1, 2]) {
      const browser = await browserAt("/login/");
      expect((await browser.post("/login/", credentials(fields))).response.status).toBe(303);
    }
    expect(await sessionsOf(fields.email ?? "")).toHaveLength(2);
    expect((await userByEmail(fields.email ?? ""))?.login_count).toBe(2);
  });

  it("by the same browser to another account: a session of each account's own", async () => {
    const [first, second] = [await registerThroughForm(), await registerThroughForm()];
    const browser = await browserAt("/login/");
    expect((await browser.twin().post("/login/", credentials(first))).response.status).toBe(303);
    expect((await browser.post("/login/", credentials(second))).response.status).toBe(303);
    for (const fields of [first, second]) {
      expect(await sessionsOf(fields.email ?? "")).toHaveLength(1);
      expect((await userByEmail(fields.email ?? ""))?.login_count).toBe(1);
    }
    expect(textOf((await browser.get("/dash/")).html)).toContain(second.email);
  });

  it("with a wrong password the second time: refused, the first session stands", async () => {
    const fields = await registerThroughForm();
    const browser = await browserAt("/login/");
    const twin = browser.twin();
    expect((await twin.post("/login/", credentials(fields))).response.status).toBe(303);
    const { response } = await browser.post("/login/", { ...credentials(fields), password: "not the password" });
    expect(response.status).toBe(400);
    expect(await sessionsOf(fields.email ?? "")).toHaveLength(1);
    expect((await twin.get("/dash/")).response.status).toBe(200);
  });
});
