// docs/product.md "Delete account": the password again, then the user and every session gone (cascade), the
// cookie cleared, the flash, and the address free to register again.
import { describe, expect, it } from "vitest";
import { registerThroughForm, replayCookie, signedInBrowser, textOf } from "../helpers/browser";
import { readSessionCookie, SESSION_COOKIE, sessionSetCookie } from "../helpers/cookies";
import { countUsers, sessionsOf, userByEmail } from "../helpers/db";
import { select } from "../helpers/html";

async function signedIn() {
  const user = await registerThroughForm();
  const { browser } = await signedInBrowser(user);
  await browser.get("/account/delete/");
  return { user, browser };
}

describe("GET /account/delete/", () => {
  it("a warning, the password field and the button", async () => {
    const { browser } = await signedIn();
    const { response, html } = await browser.get("/account/delete/");
    expect(response.status).toBe(200);
    expect(textOf(html)).toContain("It can't be undone.");
    const inputs = (await select(html, "main form input")).filter((input) => input.attrs.type !== "hidden");
    expect(inputs.map((input) => [input.attrs.name, input.attrs.type, input.attrs.autocomplete])).toEqual([
      ["password", "password", "current-password"],
    ]);
    expect((await select(html, 'main form button[type="submit"]'))[0]?.text).toBe("Delete my account");
    expect((await select(html, "main form"))[0]?.attrs.action).toBe("/account/delete/");
  });
});

describe("POST /account/delete/", () => {
  it("a wrong or missing password: 400 beside the field, nothing deleted", async () => {
    const { user, browser } = await signedIn();
    for (const [password, message] of [
      ["not my password", "Your password is not correct"],
      ["", "Enter your password"],
    ]) {
      const { response, html } = await browser.post("/account/delete/", { password: password ?? "" });
      expect(response.status).toBe(400);
      expect(textOf(html)).toContain(message);
    }
    expect(await userByEmail(user.email ?? "")).not.toBeNull();
    expect(await sessionsOf(user.email ?? "")).toHaveLength(1);
    expect((await browser.get("/dash/")).response.status).toBe(200);
  });

  it("success: the user and all their sessions are gone, the cookie cleared, flash on / (303)", async () => {
    const { user, browser } = await signedIn();
    const other = (await signedInBrowser(user)).browser;
    const { response } = await browser.post("/account/delete/", { password: user.password ?? "" });
    expect(response.status).toBe(303);
    expect(response.headers.get("Location")).toBe("/");
    expect((await readSessionCookie(sessionSetCookie(response)?.value ?? ""))?.token).toBeUndefined();
    expect(await userByEmail(user.email ?? "")).toBeNull();
    expect(await sessionsOf(user.email ?? "")).toEqual([]);
    const home = await browser.get("/");
    expect(textOf(home.html)).toContain("Your account has been deleted.");
    expect(home.html).toContain('href="/login/"');
    expect((await other.get("/dash/")).response.status).toBe(303);
  });

  it("the address can register again at once, and its new account starts afresh", async () => {
    const { user, browser } = await signedIn();
    // A couple of failed attempts first: the deletion clears the count with the account.
    for (let i = 0; i < 4; i++) await browser.post("/account/delete/", { password: "wrong password!" });
    await browser.post("/account/delete/", { password: user.password ?? "" });
    const again = await registerThroughForm({
      ...user,
      first_name: "Second",
      password: "another passphrase",
      confirm_password: "another passphrase",
    });
    expect(await countUsers(user.email ?? "")).toBe(1);
    const { browser: back } = await signedInBrowser(again);
    const { html } = await back.get("/dash/");
    expect(textOf(html)).toContain("Welcome, Second Lovelace");
    expect(textOf(html)).toContain("This is your first login");
  });

  it("5 wrong passwords lock it like failed logins: 429, nothing deleted", async () => {
    const { user, browser } = await signedIn();
    for (let i = 0; i < 5; i++) await browser.post("/account/delete/", { password: "wrong password!" });
    const locked = await browser.post("/account/delete/", { password: user.password ?? "" });
    expect(locked.response.status).toBe(429);
    expect(await userByEmail(user.email ?? "")).not.toBeNull();
  });

  it("a replayed cookie of the deleted account is signed out", async () => {
    const { user, browser } = await signedIn();
    const cookie = browser.cookies.get(SESSION_COOKIE) ?? "";
    await browser.post("/account/delete/", { password: user.password ?? "" });
    expect((await replayCookie(cookie, "/account/")).status).toBe(303);
  });
});
