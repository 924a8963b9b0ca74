// SPEC "Confirming it's you" (ASVS 5.0 V7.5.1): pages that change how the account signs in need a
// password (and code, with two-step verification on) typed in the last 10 minutes; signing in
// counts; wrong ones are counted by the per-account throttle; `next` stays under /account/.
import { createExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import type { AppLoadContext } from "@remix-run/cloudflare";
import { afterEach, describe, expect, it, vi } from "vitest";
import { afterConfirmation, requireConfirmedUser } from "~/auth/confirm.server";
import { ORIGIN, registerThroughForm, signedInBrowser, type TestBrowser, textOf } from "../helpers/browser";
import { userByEmail } from "../helpers/db";
import { errorsOf, select } from "../helpers/html";
import { codeFor, turnOnInDatabase, wrongCodeFor } from "../helpers/two-factor";

const TEN_MINUTES = 10 * 60 * 1000;

async function signedIn() {
  const user = await registerThroughForm();
  const { browser } = await signedInBrowser(user);
  const row = await userByEmail(user.email ?? "");
  return { user, browser, userId: row?.id ?? 0 };
}

/** Runs the guard as a page's loader would, for a request from `browser` to `path`; returns what it threw or the user. */
async function guard(browser: TestBrowser, path: string, method = "GET") {
  const request = new Request(new URL(path, ORIGIN), { method, headers: { Cookie: browser.cookieHeader() } });
  const context: AppLoadContext = { cloudflare: { env, ctx: createExecutionContext() } };
  try {
    return { user: await requireConfirmedUser(request, context) };
  } catch (thrown) {
    if (thrown instanceof Response) return { response: thrown };
    throw thrown;
  }
}

async function confirmedAtOf(userId: number): Promise<number | null> {
  const row = await env.DB.prepare("SELECT max(confirmed_at) AS at FROM sessions WHERE user_id = ?")
    .bind(userId)
    .first<{ at: number | null }>();
  return row?.at ?? null;
}

afterEach(() => {
  vi.useRealTimers();
});

describe("requireConfirmedUser: the guard, with a controllable clock", () => {
  it("signing in counts as a confirmation for 10 minutes; after that, 303 to /account/confirm/?next=<the page>", async () => {
    const { browser, user } = await signedIn();
    const signedInAt = Date.now();
    expect((await guard(browser, "/account/two-factor/")).user?.email).toBe(user.email);

    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(signedInAt + TEN_MINUTES - 5_000);
    expect((await guard(browser, "/account/two-factor/")).user?.email).toBe(user.email);

    vi.setSystemTime(signedInAt + TEN_MINUTES + 1_000);
    const { response } = await guard(browser, "/account/two-factor/?step=1");
    expect(response?.status).toBe(303);
    expect(response?.headers.get("Location")).toBe("/account/confirm/?next=%2Faccount%2Ftwo-factor%2F%3Fstep%3D1");
    // A POST is turned away the same way, before the page's action runs.
    expect((await guard(browser, "/account/two-factor/", "POST")).response?.status).toBe(303);
  });

  it("measures from the last confirmation, not from when the session opened", async () => {
    const { browser } = await signedIn();
    const start = Date.now();
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(start + 2 * TEN_MINUTES);
    expect((await guard(browser, "/account/two-factor/")).response?.status).toBe(303);
    await browser.get("/account/confirm/");
    const { response } = await browser.post("/account/confirm/", {
      password: "correct horse battery",
      next: "/account/two-factor/",
    });
    expect(response.status).toBe(303);
    expect((await guard(browser, "/account/two-factor/")).user).toBeDefined();
    vi.setSystemTime(start + 3 * TEN_MINUTES + 1_000);
    expect((await guard(browser, "/account/two-factor/")).response?.status).toBe(303);
  });

  it("signed out: the login page, as every protected page", async () => {
    const { response } = await guard(new (await import("../helpers/browser")).TestBrowser(), "/account/two-factor/");
    expect(response?.status).toBe(303);
    expect(response?.headers.get("Location")).toBe("/login/?next=%2Faccount%2Ftwo-factor%2F");
  });
});

describe("GET /account/confirm/", () => {
  it('"Confirm it\'s you", a Password field and a "Confirm" button; no Code field while two-step verification is off', async () => {
    const { browser } = await signedIn();
    const { response, html } = await browser.get("/account/confirm/?next=%2Faccount%2Ftwo-factor%2F");
    expect(response.status).toBe(200);
    expect((await select(html, "h1"))[0]?.text).toBe("Confirm it's you");
    const inputs = (await select(html, "main form input")).filter((input) => input.attrs.type !== "hidden");
    expect(inputs.map((input) => [input.attrs.name, input.attrs.autocomplete])).toEqual([
      ["password", "current-password"],
    ]);
    expect((await select(html, 'main form input[name="next"]'))[0]?.attrs.value).toBe("/account/two-factor/");
    expect((await select(html, 'main form button[type="submit"]'))[0]?.text).toBe("Confirm");
  });

  it("with two-step verification on, also a Code field (numeric keyboard, one-time-code autofill)", async () => {
    const { browser, userId } = await signedIn();
    await turnOnInDatabase(userId);
    const { html } = await browser.get("/account/confirm/");
    const code = (await select(html, 'main form input[name="code"]'))[0];
    expect(code?.attrs).toMatchObject({ inputmode: "numeric", autocomplete: "one-time-code" });
    expect((await select(html, "main form label")).map((label) => label.text)).toEqual(["Password", "Code"]);
  });

  it("signed out: to the login page", async () => {
    const { TestBrowser } = await import("../helpers/browser");
    const { response } = await new TestBrowser().get("/account/confirm/");
    expect(response.status).toBe(303);
    expect(response.headers.get("Location")).toMatch(/^\/login\/\?next=/);
  });
});

describe("POST /account/confirm/", () => {
  it("the right password: this session is confirmed from now, 303 to next", async () => {
    const { browser, userId } = await signedIn();
    const before = (await confirmedAtOf(userId)) ?? 0;
    await browser.get("/account/confirm/");
    const { response } = await browser.post("/account/confirm/", {
      password: "correct horse battery",
      next: "/account/recovery-codes/",
    });
    expect(response.status).toBe(303);
    expect(response.headers.get("Location")).toBe("/account/recovery-codes/");
    expect(await confirmedAtOf(userId)).toBeGreaterThanOrEqual(before);
  });

  it('a wrong password: 400 "Your password is not correct", nothing confirmed, and it counts in the per-account throttle', async () => {
    const { browser, user, userId } = await signedIn();
    await env.DB.prepare("UPDATE sessions SET confirmed_at = 0 WHERE user_id = ?").bind(userId).run();
    await browser.get("/account/confirm/");
    for (let attempt = 0; attempt < 5; attempt++) {
      const { response, html } = await browser.post("/account/confirm/", { password: "not my password" });
      expect(response.status).toBe(400);
      expect(await errorsOf(html)).toEqual(["Your password is not correct"]);
    }
    expect(await confirmedAtOf(userId)).toBe(0);
    // The sixth is refused before any check, even with the right password.
    const { response, html } = await browser.post("/account/confirm/", { password: user.password ?? "" });
    expect(response.status).toBe(429);
    expect(textOf(html)).toMatch(/Too many attempts\. Try again in \d+ minutes?\./);
    expect(await confirmedAtOf(userId)).toBe(0);
  });

  it("two-step verification on: the password and a current code; a wrong or reused code is 400 and counted", async () => {
    const { browser, user, userId } = await signedIn();
    const secret = await turnOnInDatabase(userId);
    await browser.get("/account/confirm/");
    const password = user.password ?? "";

    const missing = await browser.post("/account/confirm/", { password, code: "" });
    expect(missing.response.status).toBe(400);
    expect(await errorsOf(missing.html)).toEqual(["Enter the 6-digit code from your authenticator app"]);

    const wrong = await browser.post("/account/confirm/", { password, code: wrongCodeFor(secret) });
    expect(wrong.response.status).toBe(400);
    expect(await errorsOf(wrong.html)).toEqual(["That code is not correct"]);

    const code = codeFor(secret);
    const right = await browser.post("/account/confirm/", { password, code: `${code.slice(0, 3)} ${code.slice(3)}` });
    expect(right.response.status).toBe(303);
    expect(right.response.headers.get("Location")).toBe("/account/");

    const replay = await browser.post("/account/confirm/", { password, code });
    expect(replay.response.status).toBe(400);
    expect(await errorsOf(replay.html)).toEqual(["That code is not correct"]);
    // The replay is on this browser's count (the success before it cleared the wrong code's).
    const key = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(user.email ?? ""));
    const hex = Array.from(new Uint8Array(key), (b) => b.toString(16).padStart(2, "0")).join("");
    const counted = await env.DB.prepare("SELECT sum(attempts) AS n FROM sign_in_attempts WHERE account_key = ?")
      .bind(hex)
      .first<{ n: number }>();
    expect(counted?.n).toBe(1);
  });

  it("without a CSRF token: 403, nothing confirmed", async () => {
    const { browser, userId } = await signedIn();
    await env.DB.prepare("UPDATE sessions SET confirmed_at = 0 WHERE user_id = ?").bind(userId).run();
    await browser.get("/account/confirm/");
    const { response } = await browser.post("/account/confirm/", { password: "correct horse battery", csrf: "" });
    expect(response.status).toBe(403);
    expect(await confirmedAtOf(userId)).toBe(0);
  });
});

describe("afterConfirmation: next only when it is a page of the account area", () => {
  it.each([
    ["/account/two-factor/", "/account/two-factor/"],
    ["/account/email/?x=1", "/account/email/?x=1"],
    ["/dash/", "/account/"],
    ["/account/confirm/", "/account/"],
    ["/account/../login/", "/account/"],
    ["//evil.example/account/", "/account/"],
    ["/\\evil.example/account/", "/account/"],
    ["https://evil.example/account/", "/account/"],
    ["/account/\t/x", "/account/"],
    [undefined, "/account/"],
  ])("%j → %s", (next, expected) => {
    expect(afterConfirmation(next)).toBe(expected);
  });
});
