// SPEC "Signing in with two-step verification": a right password opens no session but a pending
// sign-in (this browser only, at most 5 minutes, carrying next and "Remember me"); /login/two-factor/
// takes a code or a recovery code, counted by the per-account throttle before it is checked, and ends
// exactly as a password login does. A password reset never signs in and never turns it off.
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { type Counter, countDatabase } from "../../harness/d1-round-trips";
import { type Fields, newUser, registerThroughForm, TestBrowser, textOf } from "../helpers/browser";
import { sessionSetCookie } from "../helpers/cookies";
import { sessionsOf, tokensOf, userByEmail } from "../helpers/db";
import { errorsOf, select } from "../helpers/html";
import { mailTo, newestResetLink } from "../helpers/mailbox";
import { codeFor, turnOnInDatabase, turnOnThroughPage, wrongCodeFor } from "../helpers/two-factor";

const PASSWORD = "correct horse battery";
const WRONG = "That code is not correct";

afterEach(() => {
  vi.useRealTimers();
});

/** A user with two-step verification on (set straight in D1, no step used yet); returns its secret. */
async function userWithTwoFactor() {
  const user = await registerThroughForm(newUser());
  const email = user.email ?? "";
  const row = await userByEmail(email);
  const secret = await turnOnInDatabase(row?.id ?? 0);
  return { email, secret, userId: row?.id ?? 0 };
}

/** A user who turned two-step verification on through the page (so with recovery codes; this step's code used). */
async function userWithRecoveryCodes() {
  const user = await registerThroughForm(newUser());
  const email = user.email ?? "";
  const browser = new TestBrowser();
  await browser.get("/login/");
  await browser.post("/login/", { email, password: PASSWORD });
  const { secret, codes } = await turnOnThroughPage(browser);
  return { email, secret, codes };
}

/** The password step from a fresh browser (that waits for emails sent); returns the browser at the code page. */
async function passwordStep(email: string, extra: Fields = {}, query = "") {
  const browser = new TestBrowser({ awaitBackgroundWork: true });
  await browser.get(`/login/${query}`);
  const { response } = await browser.post("/login/", { email, password: PASSWORD, ...extra });
  expect(response.status).toBe(303);
  expect(response.headers.get("Location")).toBe("/login/two-factor/");
  const page = await browser.get("/login/two-factor/");
  expect(page.response.status).toBe(200);
  return browser;
}

/** The second step refused for good: 303 to /login/ to start again, and no session opened. */
async function expectBackToLogin(response: Response, email: string) {
  expect(response.status).toBe(303);
  expect(response.headers.get("Location")).toBe("/login/");
  expect(await sessionsOf(email)).toEqual([]);
}

async function loginCount(email: string): Promise<number> {
  return (await userByEmail(email))?.login_count ?? -1;
}

describe("the password step of an account with two-step verification", () => {
  it("opens no session and counts no login: 303 to /login/two-factor/ with a pending sign-in of at most 5 minutes", async () => {
    const { email } = await userWithTwoFactor();
    const before = await loginCount(email);
    const browser = new TestBrowser();
    await browser.get("/login/");
    const started = Date.now();
    const { response } = await browser.post("/login/", { email, password: PASSWORD });
    expect(response.status).toBe(303);
    expect(response.headers.get("Location")).toBe("/login/two-factor/");
    expect(await sessionsOf(email)).toEqual([]);
    expect(await loginCount(email)).toBe(before);
    const [pending, ...more] = await tokensOf(email, "second_factor");
    expect(more).toEqual([]);
    expect(pending?.expires_at).toBeLessThanOrEqual(Date.now() + 5 * 60 * 1000);
    expect(pending?.expires_at).toBeGreaterThanOrEqual(started + 5 * 60 * 1000 - 1_000);
    // The browser holds only a random token (its hash is the row's id) and the address sealed.
    const cookie = sessionSetCookie(response)?.value ?? "";
    expect(decodeURIComponent(cookie)).not.toContain(email);
    expect((await browser.get("/dash/")).response.status).toBe(303);
  });

  it("a wrong password is still the ordinary 400, with no pending sign-in", async () => {
    const { email } = await userWithTwoFactor();
    const browser = new TestBrowser();
    await browser.get("/login/");
    const { response } = await browser.post("/login/", { email, password: "not the password" });
    expect(response.status).toBe(400);
    expect(await tokensOf(email, "second_factor")).toEqual([]);
  });
});

describe("GET /login/two-factor/", () => {
  it('"Enter the code from your authenticator app", Code, "Verify", and a recovery code field with "Use recovery code"', async () => {
    const { email } = await userWithTwoFactor();
    const browser = await passwordStep(email);
    const { html } = await browser.get("/login/two-factor/");
    expect(textOf(html)).toContain("Enter the code from your authenticator app");
    const [code] = await select(html, 'main input[name="code"]');
    expect(code?.attrs).toMatchObject({ inputmode: "numeric", autocomplete: "one-time-code" });
    expect((await select(html, 'main input[name="recovery_code"]')).length).toBe(1);
    expect((await select(html, 'main button[type="submit"]')).map((b) => b.text)).toEqual([
      "Verify",
      "Use recovery code",
    ]);
    for (const form of await select(html, "main form")) expect(form.attrs.action).toBe("/login/two-factor/");
  });

  it("without a pending sign-in (none, or another browser's): 303 to /login/", async () => {
    const { email } = await userWithTwoFactor();
    await passwordStep(email);
    const other = new TestBrowser();
    const { response } = await other.get("/login/two-factor/");
    await expectBackToLogin(response, email);
  });
});

describe("POST /login/two-factor/ with a code", () => {
  it("the right code: exactly a password login's success (one session, one count, remember-me cookie, safe next); the pending sign-in used up", async () => {
    const { email, secret } = await userWithTwoFactor();
    const before = await loginCount(email);
    const browser = await passwordStep(email, { remember_me: "y", next: "/account/" });
    const pendingCookies = new Map(browser.cookies);
    const pendingCsrf = browser.csrf;
    const { response } = await browser.post("/login/two-factor/", { code: codeFor(secret) });
    expect(response.status).toBe(303);
    expect(response.headers.get("Location")).toBe("/account/");
    expect(sessionSetCookie(response)?.attributes.get("max-age")).toBe("86400");
    expect(await sessionsOf(email)).toHaveLength(1);
    expect(await loginCount(email)).toBe(before + 1);
    expect(await tokensOf(email, "second_factor")).toEqual([]);
    expect((await browser.get("/dash/")).response.status).toBe(200);

    // The cookie of the pending sign-in, replayed: it is used up.
    const replay = new TestBrowser();
    replay.cookies = pendingCookies;
    replay.csrf = pendingCsrf;
    const again = await replay.post("/login/two-factor/", { code: codeFor(secret, 1) });
    expect(again.response.status).toBe(303);
    expect(again.response.headers.get("Location")).toBe("/login/");
    expect(await loginCount(email)).toBe(before + 1);
  });

  it("without Remember me: a session cookie (no Max-Age); an unsafe next falls back to /dash/", async () => {
    const { email, secret } = await userWithTwoFactor();
    const browser = await passwordStep(email, { next: "//evil.example/" });
    const { response } = await browser.post("/login/two-factor/", { code: codeFor(secret) });
    expect(response.headers.get("Location")).toBe("/dash/");
    expect(sessionSetCookie(response)?.attributes.has("max-age")).toBe(false);
  });

  it("a wrong code: 400, nothing written (no session, the pending sign-in still there, no step used); then the right one works", async () => {
    const { email, secret } = await userWithTwoFactor();
    const browser = await passwordStep(email);
    const { response, html } = await browser.post("/login/two-factor/", { code: wrongCodeFor(secret) });
    expect(response.status).toBe(400);
    expect(await errorsOf(html)).toEqual([WRONG]);
    expect(await sessionsOf(email)).toEqual([]);
    expect(await tokensOf(email, "second_factor")).toHaveLength(1);
    expect((await userByEmail(email)) as unknown as { totp_last_step: number | null }).toMatchObject({
      totp_last_step: null,
    });
    expect((await browser.post("/login/two-factor/", { code: codeFor(secret) })).response.status).toBe(303);
  });

  it("a code already accepted (replay) is refused: 400, even at the next sign-in", async () => {
    const { email, secret } = await userWithTwoFactor();
    const code = codeFor(secret);
    const first = await passwordStep(email);
    expect((await first.post("/login/two-factor/", { code })).response.status).toBe(303);
    const second = await passwordStep(email);
    const { response, html } = await second.post("/login/two-factor/", { code });
    expect(response.status).toBe(400);
    expect(await errorsOf(html)).toEqual([WRONG]);
    expect(await sessionsOf(email)).toHaveLength(1);
  });

  it("two browsers racing with the same code: one signs in", async () => {
    const { email, secret } = await userWithTwoFactor();
    const [a, b] = await Promise.all([passwordStep(email), passwordStep(email)]);
    const code = codeFor(secret);
    const answers = await Promise.all([a, b].map((browser) => browser.post("/login/two-factor/", { code })));
    expect(answers.map((answer) => answer.response.status).sort()).toEqual([303, 400]);
    expect(await sessionsOf(email)).toHaveLength(1);
  });

  it("a missing code: 400 with the field's message, nothing counted", async () => {
    const { email } = await userWithTwoFactor();
    const browser = await passwordStep(email);
    const { response, html } = await browser.post("/login/two-factor/", { code: " " });
    expect(response.status).toBe(400);
    expect(await errorsOf(html)).toEqual(["Enter the 6-digit code from your authenticator app"]);
  });
});

describe("POST /login/two-factor/ with a recovery code", () => {
  it("works once, typed any way (dashes, spaces, case); the notice goes out; the same code again is refused", async () => {
    const { email, codes } = await userWithRecoveryCodes();
    const code = codes[3] ?? "";
    const browser = await passwordStep(email);
    const typed = code.toUpperCase().replace(/-/g, " ");
    const { response } = await browser.post("/login/two-factor/", { recovery_code: typed });
    expect(response.status).toBe(303);
    expect(response.headers.get("Location")).toBe("/dash/");
    expect((await mailTo(email, "A recovery code was used to sign in to your account")).texts).toHaveLength(1);
    const { html } = await browser.get("/account/two-factor/");
    expect(textOf(html)).toContain("Recovery codes left: 9");

    const again = await passwordStep(email);
    const refused = await again.post("/login/two-factor/", { recovery_code: code });
    expect(refused.response.status).toBe(400);
    expect(await errorsOf(refused.html)).toEqual([WRONG]);
  });

  it("new codes void the old ones", async () => {
    const { email, codes: old } = await userWithRecoveryCodes();
    const browser = await passwordStep(email);
    expect((await browser.post("/login/two-factor/", { recovery_code: old[0] ?? "" })).response.status).toBe(303);
    // Signing in counts as a confirmation: new codes at once.
    await browser.get("/account/two-factor/");
    const { html } = await browser.post("/account/recovery-codes/", {});
    const fresh = (await select(html, "main ol.recovery-codes code")).map((code) => code.text);
    expect(fresh).toHaveLength(10);

    const withOld = await passwordStep(email);
    expect((await withOld.post("/login/two-factor/", { recovery_code: old[1] ?? "" })).response.status).toBe(400);
    expect((await withOld.post("/login/two-factor/", { recovery_code: fresh[0] ?? "" })).response.status).toBe(303);
  });

  it("something that cannot be a recovery code: 400, and an empty one asks for it", async () => {
    const { email } = await userWithRecoveryCodes();
    const browser = await passwordStep(email);
    expect(await errorsOf((await browser.post("/login/two-factor/", { recovery_code: "no" })).html)).toEqual([WRONG]);
    expect(await errorsOf((await browser.post("/login/two-factor/", { recovery_code: "" })).html)).toEqual([
      "Enter one of your recovery codes",
    ]);
  });
});

describe("the pending sign-in's limits", () => {
  it("expires after 5 minutes (a controllable clock): GET and POST answer 303 to /login/", async () => {
    const { email, secret } = await userWithTwoFactor();
    const browser = await passwordStep(email);
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(Date.now() + 5 * 60 * 1000 + 1_000);
    expect((await browser.get("/login/two-factor/")).response.headers.get("Location")).toBe("/login/");
    const { response } = await browser.post("/login/two-factor/", { code: codeFor(secret) });
    await expectBackToLogin(response, email);
  });

  it("belongs to the browser that typed the password: another browser's right code gets 303 to /login/", async () => {
    const { email, secret } = await userWithTwoFactor();
    await passwordStep(email);
    const other = new TestBrowser();
    await other.get("/login/");
    const { response } = await other.post("/login/two-factor/", { code: codeFor(secret) });
    await expectBackToLogin(response, email);
  });

  it("a credential change (here a password reset) voids it", async () => {
    const { email, secret } = await userWithTwoFactor();
    const browser = await passwordStep(email);
    await resetPassword(email, "a brand new passphrase");
    const { response } = await browser.post("/login/two-factor/", { code: codeFor(secret) });
    await expectBackToLogin(response, email);
  });

  it("without a CSRF token: 403, the pending sign-in untouched", async () => {
    const { email, secret } = await userWithTwoFactor();
    const browser = await passwordStep(email);
    expect((await browser.post("/login/two-factor/", { code: codeFor(secret), csrf: "" })).response.status).toBe(403);
    expect(await tokensOf(email, "second_factor")).toHaveLength(1);
    expect(await sessionsOf(email)).toEqual([]);
  });
});

describe("the per-account throttle counts codes", () => {
  it("20 wrong codes sent at once: at most 5 are checked, the rest 429; then even the right code waits", async () => {
    const { email, secret } = await userWithTwoFactor();
    const browser = await passwordStep(email);
    const wrong = wrongCodeFor(secret);
    // Each from a network of its own, so the per-IP limit stays out of it: only the account's count decides.
    const answers = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        browser.post("/login/two-factor/", { code: wrong }, { headers: { "CF-Connecting-IP": `2001:db8:f${i}::1` } }),
      ),
    );
    const statuses = answers.map((answer) => answer.response.status);
    expect(statuses.filter((status) => status === 400).length).toBeLessThanOrEqual(5);
    expect(statuses.filter((status) => status !== 400 && status !== 429)).toEqual([]);
    const right = await browser.post("/login/two-factor/", { code: codeFor(secret) });
    expect(right.response.status).toBe(429);
    expect(textOf(right.html)).toMatch(/Too many attempts\. Try again in \d+ minutes?\./);
    expect(await sessionsOf(email)).toEqual([]);
  });
});

describe("a password reset", () => {
  it("signs nobody in and leaves two-step verification on: the next login asks for the code", async () => {
    const { email, secret } = await userWithTwoFactor();
    const reset = await resetPassword(email, "a brand new passphrase");
    expect(reset.response.headers.get("Location")).toBe("/login/");
    expect(await sessionsOf(email)).toEqual([]);
    const browser = new TestBrowser();
    await browser.get("/login/");
    const { response } = await browser.post("/login/", { email, password: "a brand new passphrase" });
    expect(response.headers.get("Location")).toBe("/login/two-factor/");
    await browser.get("/login/two-factor/");
    expect((await browser.post("/login/two-factor/", { code: codeFor(secret) })).response.status).toBe(303);
  });
});

describe("D1 round trips", () => {
  it("password-only login: 2; the password step of a two-step account: 2; the code step: 3", async () => {
    const plain = await registerThroughForm(newUser());
    const plainBrowser = countingBrowser();
    await plainBrowser.get("/login/");
    const passwordOnly = await plainBrowser.counted("/login/", { email: plain.email ?? "", password: PASSWORD });
    expect(passwordOnly).toEqual({ status: 303, roundTrips: 2 });

    const { email, secret } = await userWithTwoFactor();
    const browser = countingBrowser();
    await browser.get("/login/");
    const password = await browser.counted("/login/", { email, password: PASSWORD });
    const code = await browser.counted("/login/two-factor/", { code: codeFor(secret) });
    console.info("POST /login/ (two-step account)", password, "POST /login/two-factor/ (code)", code);
    expect(password).toEqual({ status: 303, roundTrips: 2 });
    expect(code).toEqual({ status: 303, roundTrips: 3 });
  });

  it("the recovery code step: 3; a wrong code: 2 (its count-and-read, then the page's own read as it is shown again)", async () => {
    const { email, secret, codes } = await userWithRecoveryCodes();
    const browser = countingBrowser();
    await browser.get("/login/");
    await browser.counted("/login/", { email, password: PASSWORD });
    const wrong = await browser.counted("/login/two-factor/", { code: wrongCodeFor(secret) });
    const recovery = await browser.counted("/login/two-factor/", { recovery_code: codes[0] ?? "" });
    console.info("POST /login/two-factor/ (wrong code)", wrong, "(recovery code)", recovery);
    expect(wrong).toEqual({ status: 400, roundTrips: 2 });
    expect(recovery).toEqual({ status: 303, roundTrips: 3 });
  });
});

/** A browser whose requests reach the worker with D1 counted; `counted` posts a form and says how many round trips it took. */
function countingBrowser() {
  const counter: Counter = { roundTrips: 0, statements: 0 };
  const browser = new TestBrowser({ bindings: { ...env, DB: countDatabase(env.DB, counter) } });
  return Object.assign(browser, {
    async counted(path: string, fields: Fields) {
      counter.roundTrips = 0;
      const { response } = await browser.post(path, fields);
      return { status: response.status, roundTrips: counter.roundTrips };
    },
  });
}

/** Resets the account's password through the emailed link; returns the reset form's answer. */
async function resetPassword(email: string, password: string) {
  const asker = new TestBrowser({ awaitBackgroundWork: true });
  await asker.get("/forgot-password/");
  await asker.post("/forgot-password/", { email });
  const link = await newestResetLink(email);
  const browser = new TestBrowser();
  await browser.get(`${link.pathname}${link.search}`);
  return browser.post(`${link.pathname}${link.search}`, {
    token: link.searchParams.get("token") ?? "",
    password,
    confirm_password: password,
  });
}
