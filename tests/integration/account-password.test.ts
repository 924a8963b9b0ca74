// docs/product.md "Change password" (ASVS 5.0 V6.2.2, V6.2.3: the current and the new password; V7.4.3: every
// other session ends; V7.2.4-style rotation: the current session gets a new id and cookie value).
import { describe, expect, it } from "vitest";
import {
  type Fields,
  newUser,
  registerThroughForm,
  replayCookie,
  signedInBrowser,
  TestBrowser,
  textOf,
} from "../helpers/browser";
import { readSessionCookie, SESSION_COOKIE, sessionSetCookie, sha256HexIndependent } from "../helpers/cookies";
import { sessionById, sessionsOf, userByEmail } from "../helpers/db";
import { errorsOf, select } from "../helpers/html";
import { mailTo } from "../helpers/mailbox";

const NEW_PASSWORD = "a brand new passphrase";

async function signedIn(extra: Fields = {}) {
  const user = await registerThroughForm();
  const { browser } = await signedInBrowser(user, extra);
  await browser.get("/account/password/");
  return { user, browser };
}

function change(browser: TestBrowser, current: string, password = NEW_PASSWORD, confirm = password) {
  return browser.post("/account/password/", { current_password: current, password, confirm_password: confirm });
}

async function tokenOf(browser: TestBrowser): Promise<string> {
  return (await readSessionCookie(browser.cookies.get(SESSION_COOKIE) ?? ""))?.token ?? "";
}

async function canLogIn(email: string, password: string): Promise<boolean> {
  const browser = new TestBrowser();
  await browser.get("/login/");
  return (await browser.post("/login/", { email, password })).response.status === 303;
}

describe("GET /account/password/", () => {
  it("three password fields with their autocomplete, and the button", async () => {
    const { browser } = await signedIn();
    const { response, html } = await browser.get("/account/password/");
    expect(response.status).toBe(200);
    const inputs = (await select(html, "main form input")).filter((input) => input.attrs.type !== "hidden");
    expect(inputs.map((input) => [input.attrs.name, input.attrs.type, input.attrs.autocomplete])).toEqual([
      ["current_password", "password", "current-password"],
      ["password", "password", "new-password"],
      ["confirm_password", "password", "new-password"],
    ]);
    const labels = (await select(html, "main form label")).map((label) => label.text);
    expect(labels).toEqual(["Current password", "New password", "Confirm new password"]);
    expect((await select(html, 'main form button[type="submit"]'))[0]?.text).toBe("Change password");
    expect((await select(html, "main form"))[0]?.attrs.action).toBe("/account/password/");
  });
});

describe("POST /account/password/ success", () => {
  it("replaces the argon2id hash, flashes, 303 to /account/; the new password logs in, the old one no longer", async () => {
    const { user, browser } = await signedIn();
    const before = await userByEmail(user.email ?? "");
    const { response } = await change(browser, user.password ?? "");
    expect(response.status).toBe(303);
    expect(response.headers.get("Location")).toBe("/account/");
    const after = await userByEmail(user.email ?? "");
    expect(after?.password_hash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(after?.password_hash).not.toBe(before?.password_hash);
    expect(textOf((await browser.get("/account/")).html)).toContain("Your password has been changed.");
    expect(await canLogIn(user.email ?? "", NEW_PASSWORD)).toBe(true);
    expect(await canLogIn(user.email ?? "", user.password ?? "")).toBe(false);
  });

  it('sends "Your password was changed" to the account\'s address, after the response', async () => {
    const user = await registerThroughForm(newUser({ first_name: "Grace" }));
    const { browser } = await signedInBrowser(user);
    await browser.get("/account/password/");
    expect((await change(browser, user.password ?? "")).response.status).toBe(303);
    // The email goes out in ctx.waitUntil: give the background work a moment to finish.
    let notice: string | undefined;
    for (let attempt = 0; attempt < 50 && !notice; attempt++) {
      notice = (await mailTo(user.email ?? "")).texts.find((text) => text.includes("was changed"));
      if (!notice) await scheduler.wait(100);
    }
    expect(notice).toContain("Hello Grace,");
  });

  it("rotates this session: a new token and id, same expiry; the old cookie value, replayed, is signed out", async () => {
    const { user, browser } = await signedIn({ remember_me: "y" });
    const oldCookie = browser.cookies.get(SESSION_COOKIE) ?? "";
    const oldToken = await tokenOf(browser);
    const [oldRow] = await sessionsOf(user.email ?? "");
    const { response } = await change(browser, user.password ?? "");
    const newToken = await tokenOf(browser);
    expect(newToken).not.toBe(oldToken);
    expect(newToken.length).toBeGreaterThanOrEqual(43);
    expect(await sessionById(sha256HexIndependent(oldToken))).toBeNull();
    const newRow = await sessionById(sha256HexIndependent(newToken));
    expect(newRow).toMatchObject({ user_id: oldRow?.user_id, expires_at: oldRow?.expires_at, remember: 1 });
    // A remembered session stays remembered: the new cookie keeps its Max-Age.
    expect(Number(sessionSetCookie(response)?.attributes.get("max-age"))).toBeGreaterThan(86_000);
    expect((await browser.get("/dash/")).response.status).toBe(200);
    const replayed = await replayCookie(oldCookie, "/dash/");
    expect(replayed.status).toBe(303);
    expect(replayed.headers.get("Location")).toBe("/login/?next=%2Fdash%2F");
  });

  it("every other session of the user is deleted (their browsers are signed out); other users keep theirs", async () => {
    const { user, browser } = await signedIn();
    const second = (await signedInBrowser(user)).browser;
    const third = (await signedInBrowser(user)).browser;
    const bystander = await registerThroughForm();
    const bystanderBrowser = (await signedInBrowser(bystander)).browser;
    await change(browser, user.password ?? "");
    expect((await second.get("/dash/")).response.status).toBe(303);
    expect((await third.get("/dash/")).response.status).toBe(303);
    expect(await sessionsOf(user.email ?? "")).toHaveLength(1);
    expect((await bystanderBrowser.get("/dash/")).response.status).toBe(200);
  });
});

describe("POST /account/password/ refused: 400, nothing written, no session touched", () => {
  it.each([
    ["a wrong current password", { current_password: "not my password" }, "Your current password is not correct"],
    ["no current password", { current_password: "" }, "Enter your current password"],
    ["a new password too short", { password: "short", confirm_password: "short" }, "Password must be at least 8"],
    ["a new password too long", { password: "x".repeat(129), confirm_password: "x".repeat(129) }, "at most 128"],
    ["confirmation differs", { confirm_password: "something else" }, "Passwords must match"],
    ["a common password", { password: "password123", confirm_password: "password123" }, "most common ones"],
    ["the same as the current one", "same", "Your new password must be different from your current one"],
  ])("%s", async (_, fields, message) => {
    const { user, browser } = await signedIn();
    const other = (await signedInBrowser(user)).browser;
    const current = user.password ?? "";
    const form =
      fields === "same"
        ? { current_password: current, password: current, confirm_password: current }
        : { current_password: current, password: NEW_PASSWORD, confirm_password: NEW_PASSWORD, ...(fields as Fields) };
    const before = { user: await userByEmail(user.email ?? ""), sessions: await sessionsOf(user.email ?? "") };
    const cookie = browser.cookies.get(SESSION_COOKIE);
    const { response, html } = await browser.post("/account/password/", form);
    expect(response.status).toBe(400);
    expect((await errorsOf(html)).join(" ")).toContain(message);
    // No password comes back into the page.
    for (const value of [form.current_password, form.password]) if (value) expect(html).not.toContain(value);
    expect({ user: await userByEmail(user.email ?? ""), sessions: await sessionsOf(user.email ?? "") }).toEqual(before);
    expect(browser.cookies.get(SESSION_COOKIE)).toBe(cookie);
    expect((await other.get("/dash/")).response.status).toBe(200);
  });
});

describe("V6.3.1 the current password is throttled like a login", () => {
  it("5 wrong current passwords lock this browser: then even the right one gets 429 here; other browsers keep the account's own allowance", async () => {
    const { user, browser } = await signedIn();
    for (let i = 0; i < 5; i++) expect((await change(browser, "wrong password!")).response.status).toBe(400);
    const locked = await change(browser, user.password ?? "");
    expect(locked.response.status).toBe(429);
    expect(textOf(locked.html)).toContain("Too many attempts. Try again in 15 minutes.");
    expect(locked.response.headers.get("Retry-After")).toBe("900");
    // This browser signed in before: its failures count in its own bucket (throttle.server.ts).
    expect(await canLogIn(user.email ?? "", NEW_PASSWORD)).toBe(false);
    expect(await canLogIn(user.email ?? "", user.password ?? "")).toBe(true);
  });

  it("failed logins count against the password change too, and a change clears the count", async () => {
    const { user, browser } = await signedIn();
    for (let i = 0; i < 4; i++)
      await new TestBrowser().get("/login/").then(() => canLogIn(user.email ?? "", "nope nope"));
    expect((await change(browser, user.password ?? "")).response.status).toBe(303);
    await browser.get("/account/password/");
    for (let i = 0; i < 4; i++) expect((await change(browser, "wrong password!")).response.status).toBe(400);
    expect((await change(browser, NEW_PASSWORD, "yet another passphrase")).response.status).toBe(303);
  });

  it("the per-IP limit (shared with login and register) holds too: 429 with Retry-After", async () => {
    const { browser } = await signedIn();
    // Invalid forms: the limit comes before validation, so no password is even checked. The login
    // already counted once; a fixed window may roll over mid-test, so allow up to 21 posts.
    const statuses: number[] = [];
    let limited: Response | undefined;
    while (!limited && statuses.length < 21) {
      const { response } = await browser.post("/account/password/", {});
      statuses.push(response.status);
      if (response.status === 429) limited = response;
    }
    expect(limited?.headers.get("Retry-After")).toBe("60");
    expect(statuses.filter((status) => status !== 429).every((status) => status === 400)).toBe(true);
    expect(statuses.length).toBeLessThanOrEqual(21);
  });
});
