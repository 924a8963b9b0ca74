// docs/product.md "Repeated posts": without JS, a double click on a slow page aborts the first
// navigation after its post has left, and the browser posts the same form again with the same
// cookie. The repeat gets the first one's answer: one account, one session, one login counted.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { config } from "~/config";
import { messages } from "~/messages";
import { browserAt, type Fields, newUser, registerThroughForm, TestBrowser, textOf } from "../helpers/browser";
import { countUsers, sessionsOf, tokensOf, userByEmail } from "../helpers/db";

type Answer = { response: Response; html: string };

/**
 * Posts `fields` to `path` from one browser twice, both times with the cookie and token it had
 * before the first post (the first answer never reached it): one after the other, or both at once.
 */
async function postTwice(
  path: string,
  fields: Fields,
  at: "after" | "together",
): Promise<[Answer, Answer, TestBrowser]> {
  const browser = await browserAt(path);
  const twin = twinOf(browser);
  if (at === "together") {
    const [first, second] = await Promise.all([twin.post(path, fields), browser.post(path, fields)]);
    return [first, second, browser];
  }
  const first = await twin.post(path, fields);
  return [first, await browser.post(path, fields), browser];
}

/** A second client with this browser's cookie and token: what the browser sent with its first post. */
function twinOf(browser: TestBrowser): TestBrowser {
  const twin = new TestBrowser();
  twin.cookies = new Map(browser.cookies);
  twin.csrf = browser.csrf;
  return twin;
}

/** Moves an account's creation, or its sessions' opening, back past the repeat window. */
async function ageBeyondRepeatWindow(table: "users" | "sessions", email: string): Promise<void> {
  const column = table === "users" ? "email" : "user_id";
  const key = table === "users" ? email : (await userByEmail(email))?.id;
  await env.DB.prepare(`UPDATE ${table} SET created_at = created_at - ? WHERE ${column} = ?`)
    .bind(config.repeatedPostMs + 1000, key)
    .run();
}

async function flashAfter(browser: TestBrowser, answer: Answer): Promise<string> {
  const location = answer.response.headers.get("Location") ?? "";
  return textOf((await browser.get(location)).html);
}

describe("a registration posted again", () => {
  it.each(["after", "together"] as const)(
    "by the same browser (%s the first): both answers say registered, one account, one confirmation link",
    async (at) => {
      const fields = newUser();
      const [first, second, browser] = await postTwice("/register/", fields, at);
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
    expect((await twinOf(browser).post("/register/", fields)).response.status).toBe(303);
    const before = await userByEmail(fields.email ?? "");
    const changes: Fields[] = [
      { password: "another good password", confirm_password: "another good password" },
      { first_name: "Grace" },
    ];
    for (const changed of changes) {
      const { response, html } = await twinOf(browser).post("/register/", { ...fields, ...changed });
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
    expect((await twinOf(browser).post("/register/", fields)).response.status).toBe(303);
    await ageBeyondRepeatWindow("users", fields.email ?? "");
    const { response, html } = await browser.post("/register/", fields);
    expect(response.status).toBe(400);
    expect(textOf(html)).toContain(messages.emailTaken);
  });
});

describe("a login posted again", () => {
  const credentials = (fields: Fields) => ({ email: fields.email ?? "", password: fields.password ?? "" });

  it.each(["after", "together"] as const)(
    "by the same browser (%s the first): one session, one login counted, the last answer's cookie signed in",
    async (at) => {
      const fields = await registerThroughForm();
      const [first, second, browser] = await postTwice("/login/", credentials(fields), at);
      expect([first.response.status, second.response.status]).toEqual([303, 303]);
      const sessions = await sessionsOf(fields.email ?? "");
      expect(sessions).toHaveLength(1);
      expect((await userByEmail(fields.email ?? ""))?.login_count).toBe(1);
      const dash = await browser.get("/dash/");
      expect(dash.response.status).toBe(200);
      expect(textOf(dash.html)).toMatch(/Logins:\s*1(?!\d)/);
    },
  );

  it("by two browsers: two sessions, two logins", async () => {
    const fields = await registerThroughForm();
    for (const _ of [1, 2]) {
      const browser = await browserAt("/login/");
      expect((await browser.post("/login/", credentials(fields))).response.status).toBe(303);
    }
    expect(await sessionsOf(fields.email ?? "")).toHaveLength(2);
    expect((await userByEmail(fields.email ?? ""))?.login_count).toBe(2);
  });

  it("by the same browser more than a minute later: a sign-in of its own", async () => {
    const fields = await registerThroughForm();
    const browser = await browserAt("/login/");
    const twin = twinOf(browser);
    expect((await twin.post("/login/", credentials(fields))).response.status).toBe(303);
    await ageBeyondRepeatWindow("sessions", fields.email ?? "");
    expect((await browser.post("/login/", credentials(fields))).response.status).toBe(303);
    expect(await sessionsOf(fields.email ?? "")).toHaveLength(2);
    expect((await userByEmail(fields.email ?? ""))?.login_count).toBe(2);
  });

  it("with a wrong password the second time: refused, the first session stands", async () => {
    const fields = await registerThroughForm();
    const browser = await browserAt("/login/");
    const twin = twinOf(browser);
    expect((await twin.post("/login/", credentials(fields))).response.status).toBe(303);
    const { response } = await browser.post("/login/", { ...credentials(fields), password: "not the password" });
    expect(response.status).toBe(400);
    expect(await sessionsOf(fields.email ?? "")).toHaveLength(1);
    expect((await twin.get("/dash/")).response.status).toBe(200);
  });
});
