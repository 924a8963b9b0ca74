// SPEC "Two-step verification" (/account/two-factor/, /account/recovery-codes/): set-up with a QR code,
// the otpauth link and the secret as text; turning on with a code (ten recovery codes shown once);
// new codes; turning off. Each behind "Confirm it's you"; turning on and off are credential changes.
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { newUser, registerThroughForm, signedInBrowser, TestBrowser, textOf } from "../helpers/browser";
import { errorsOf, select } from "../helpers/html";
import { mailTo } from "../helpers/mailbox";
import {
  codeFor,
  codesOnPage,
  secretOnPage,
  signInWithCode,
  turnOnThroughPage,
  wrongCodeFor,
} from "../helpers/two-factor";

type TwoFactorRow = {
  id: number;
  totp_secret: string | null;
  totp_setup_secret: string | null;
  totp_last_step: number | null;
  credential_generation: number;
};

async function stateOf(email: string) {
  const user = await env.DB.prepare(
    "SELECT id, totp_secret, totp_setup_secret, totp_last_step, credential_generation FROM users WHERE email = ?",
  )
    .bind(email)
    .first<TwoFactorRow>();
  if (!user) throw new Error("no such user");
  const { results } = await env.DB.prepare("SELECT code_hash FROM recovery_codes WHERE user_id = ? ORDER BY code_hash")
    .bind(user.id)
    .all<{ code_hash: string }>();
  return { ...user, codeHashes: results.map((row) => row.code_hash) };
}

/** A registered user and a browser signed in (so confirmed for 10 minutes) that waits for emails sent. */
async function signedIn() {
  const user = await registerThroughForm(newUser());
  const email = user.email ?? "";
  const browser = new TestBrowser({ awaitBackgroundWork: true });
  await browser.get("/login/");
  const { response } = await browser.post("/login/", { email, password: user.password ?? "" });
  expect(response.status).toBe(303);
  const other = (await signedInBrowser(user)).browser;
  return { user, email, browser, other };
}

afterEach(() => {
  vi.useRealTimers();
});

describe("GET /account/two-factor/ while it is off: the set-up", () => {
  it('a QR code <svg> with an accessible name, the otpauth link, the secret as text, the Code field and "Turn on"', async () => {
    const { browser, email } = await signedIn();
    const { response, html } = await browser.get("/account/two-factor/");
    expect(response.status).toBe(200);
    expect(textOf(html)).toContain("Two-step verification is off");

    const [svg] = await select(html, "main svg");
    expect(svg?.attrs.role).toBe("img");
    const [title] = await select(html, `main svg title#${svg?.attrs["aria-labelledby"]}`);
    expect(title?.text).toMatch(/QR code/);
    expect((await select(html, "main svg path"))[0]?.attrs.d).toMatch(/^M\d+ \d+h\d+v1h-\d+z/);

    const secret = await secretOnPage(html);
    // 160 bits in base32: 32 characters.
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    const [link] = (await select(html, "main a")).filter((a) => a.text === "Open in your authenticator app");
    const uri = new URL(link?.attrs.href ?? "");
    expect(uri.protocol).toBe("otpauth:");
    expect(decodeURIComponent(uri.pathname.replace(/^\/*(totp\/)?/, ""))).toBe(`Edge Auth:${email}`);
    expect(Object.fromEntries(uri.searchParams)).toEqual({
      secret,
      issuer: "Edge Auth",
      algorithm: "SHA1",
      digits: "6",
      period: "30",
    });

    const [code] = await select(html, 'main form input[name="code"]');
    expect(code?.attrs).toMatchObject({ inputmode: "numeric", autocomplete: "one-time-code" });
    expect((await select(html, 'main form input[name="intent"]'))[0]?.attrs.value).toBe("enable");
    expect((await select(html, 'main form button[type="submit"]')).map((b) => b.text)).toEqual(["Turn on"]);
  });

  it("the secret stays the same until set-up succeeds, and D1 holds it only sealed", async () => {
    const { browser, email } = await signedIn();
    const first = await secretOnPage((await browser.get("/account/two-factor/")).html);
    const again = await secretOnPage((await browser.get("/account/two-factor/")).html);
    expect(again).toBe(first);
    const state = await stateOf(email);
    expect(state.totp_setup_secret).not.toBeNull();
    expect(state.totp_setup_secret).not.toContain(first);
    expect(state.totp_secret).toBeNull();
  });

  it("the account page links to it", async () => {
    const { browser } = await signedIn();
    const { html } = await browser.get("/account/");
    expect((await select(html, 'main a[href="/account/two-factor/"]')).length).toBe(1);
  });
});

describe("POST /account/two-factor/ intent=enable", () => {
  it('a wrong code: 400 "That code is not correct", the same QR code again, nothing changed, and it is counted', async () => {
    const { browser, email } = await signedIn();
    const { html } = await browser.get("/account/two-factor/");
    const secret = await secretOnPage(html);
    const before = await stateOf(email);
    const { response, html: answer } = await browser.post("/account/two-factor/", {
      intent: "enable",
      code: wrongCodeFor(secret),
    });
    expect(response.status).toBe(400);
    expect(await errorsOf(answer)).toEqual(["That code is not correct"]);
    expect(await secretOnPage(answer)).toBe(secret);
    expect((await select(answer, "main svg path"))[0]?.attrs.d).toBe((await select(html, "main svg path"))[0]?.attrs.d);
    expect(await stateOf(email)).toEqual(before);
    const counted = await env.DB.prepare("SELECT sum(attempts) AS n FROM sign_in_attempts WHERE account_key = ?")
      .bind(await sha256Hex(email))
      .first<{ n: number }>();
    expect(counted?.n).toBe(1);
  });

  it("a missing code: 400 with the field's message, nothing changed", async () => {
    const { browser, email } = await signedIn();
    await browser.get("/account/two-factor/");
    const before = await stateOf(email);
    const { response, html } = await browser.post("/account/two-factor/", { intent: "enable", code: "" });
    expect(response.status).toBe(400);
    expect(await errorsOf(html)).toEqual(["Enter the 6-digit code from your authenticator app"]);
    expect(await stateOf(email)).toEqual(before);
  });

  it('the right code: 200 "Save your recovery codes" with ten codes; on, sealed, codes hashed; other sessions end, this one goes on; the email', async () => {
    const { browser, other, email } = await signedIn();
    const before = await stateOf(email);
    const { secret, codes, step } = await turnOnThroughPage(browser);

    expect(codes).toHaveLength(10);
    expect(new Set(codes).size).toBe(10);
    for (const code of codes) expect(code).toMatch(/^[a-z2-7]{4}(-[a-z2-7]{4}){3}$/);

    const after = await stateOf(email);
    expect(after.totp_secret).not.toBeNull();
    expect(after.totp_secret).not.toContain(secret);
    expect(after.totp_setup_secret).toBeNull();
    expect(after.totp_last_step).toBe(step);
    expect(after.credential_generation).toBe(before.credential_generation + 1);
    expect(after.codeHashes).toHaveLength(10);
    for (const code of codes) expect(after.codeHashes.join()).not.toContain(code.replace(/-/g, ""));

    // This browser carries on (its session moved to a new token); the other one is signed out.
    const page = await browser.get("/account/two-factor/");
    expect(page.response.status).toBe(200);
    expect(textOf(page.html)).toContain("Two-step verification is on");
    expect(textOf(page.html)).toContain("Recovery codes left: 10");
    expect((await other.get("/dash/")).response.status).toBe(303);

    const { texts } = await mailTo(email, "Two-step verification was turned on");
    expect(texts).toHaveLength(1);
  });

  it("the answer's recovery codes are shown once: the page afterwards shows none", async () => {
    const { browser } = await signedIn();
    await turnOnThroughPage(browser);
    const { html } = await browser.get("/account/two-factor/");
    expect(await codesOnPage(html)).toEqual([]);
    expect((await select(html, "main button")).map((b) => b.text)).toEqual(["Get new recovery codes", "Turn off"]);
  });
});

describe("POST /account/recovery-codes/", () => {
  it("ten new codes, shown once; the old ones are void", async () => {
    const { browser, email } = await signedIn();
    const { codes: old } = await turnOnThroughPage(browser);
    const oldHashes = (await stateOf(email)).codeHashes;
    await browser.get("/account/two-factor/");
    const { response, html } = await browser.post("/account/recovery-codes/", {});
    expect(response.status).toBe(200);
    expect(textOf(html)).toContain("Save your recovery codes");
    const fresh = await codesOnPage(html);
    expect(fresh).toHaveLength(10);
    expect(fresh.filter((code) => old.includes(code))).toEqual([]);
    const hashes = (await stateOf(email)).codeHashes;
    expect(hashes).toHaveLength(10);
    expect(hashes.filter((hash) => oldHashes.includes(hash))).toEqual([]);
  });

  it("while two-step verification is off: nothing made, 303 to the set-up", async () => {
    const { browser, email } = await signedIn();
    await browser.get("/account/two-factor/");
    const { response } = await browser.post("/account/recovery-codes/", {});
    expect(response.status).toBe(303);
    expect(response.headers.get("Location")).toBe("/account/two-factor/");
    expect((await stateOf(email)).codeHashes).toEqual([]);
  });
});

describe("POST /account/two-factor/ intent=disable", () => {
  it('codes deleted, the notice, flash "Two-step verification is off.", 303 to /account/; other sessions end, this one goes on', async () => {
    const { browser, email } = await signedIn();
    const { secret } = await turnOnThroughPage(browser);
    // Another browser signs in with the next step's code (this step's was used to turn on).
    const other = await signInWithCode({ email, password: "correct horse battery" }, codeFor(secret, 1));
    const before = await stateOf(email);
    await browser.get("/account/two-factor/");
    const { response } = await browser.post("/account/two-factor/", { intent: "disable" });
    expect(response.status).toBe(303);
    expect(response.headers.get("Location")).toBe("/account/");
    const after = await stateOf(email);
    expect(after).toMatchObject({ totp_secret: null, totp_setup_secret: null, totp_last_step: null, codeHashes: [] });
    expect(after.credential_generation).toBe(before.credential_generation + 1);

    const { response: page, html } = await browser.get("/account/");
    expect(page.status).toBe(200);
    expect(textOf(html)).toContain("Two-step verification is off.");
    expect((await other.get("/dash/")).response.status).toBe(303);
    expect((await mailTo(email, "Two-step verification was turned off")).texts).toHaveLength(1);
    // A fresh set-up gets a new secret.
    expect(textOf((await browser.get("/account/two-factor/")).html)).toContain("Two-step verification is off");
  });
});

describe('behind "Confirm it\'s you", with a controllable clock', () => {
  it("more than 10 minutes after signing in: GET and every POST answer 303 to the confirmation, nothing changes", async () => {
    const { browser, email } = await signedIn();
    const secret = await secretOnPage((await browser.get("/account/two-factor/")).html);
    const before = await stateOf(email);
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(Date.now() + 10 * 60 * 1000 + 1_000);

    const page = await browser.get("/account/two-factor/");
    expect(page.response.status).toBe(303);
    expect(page.response.headers.get("Location")).toBe("/account/confirm/?next=%2Faccount%2Ftwo-factor%2F");
    const enable = await browser.post("/account/two-factor/", { intent: "enable", code: codeFor(secret) });
    expect(enable.response.status).toBe(303);
    expect(enable.response.headers.get("Location")).toMatch(/^\/account\/confirm\/\?next=/);
    const renew = await browser.post("/account/recovery-codes/", {});
    expect(renew.response.status).toBe(303);
    expect(renew.response.headers.get("Location")).toBe("/account/confirm/?next=%2Faccount%2Frecovery-codes%2F");
    expect(await stateOf(email)).toEqual(before);

    // Confirming again opens the page.
    await browser.get("/account/confirm/");
    const confirmed = await browser.post("/account/confirm/", {
      password: "correct horse battery",
      next: "/account/two-factor/",
    });
    expect(confirmed.response.headers.get("Location")).toBe("/account/two-factor/");
    expect((await browser.get("/account/two-factor/")).response.status).toBe(200);
  });

  it("signed out: to the login page", async () => {
    const { response } = await new TestBrowser().get("/account/two-factor/");
    expect(response.status).toBe(303);
    expect(response.headers.get("Location")).toBe("/login/?next=%2Faccount%2Ftwo-factor%2F");
  });
});

describe("CSRF", () => {
  it("turning on, turning off and new codes without a valid token: 403, nothing changed", async () => {
    const { browser, email } = await signedIn();
    const secret = await secretOnPage((await browser.get("/account/two-factor/")).html);
    const off = await stateOf(email);
    expect(
      (await browser.post("/account/two-factor/", { intent: "enable", code: codeFor(secret), csrf: "" })).response
        .status,
    ).toBe(403);
    expect(await stateOf(email)).toEqual(off);

    await turnOnThroughPage(browser);
    await browser.get("/account/two-factor/");
    const on = await stateOf(email);
    const stolen = new TestBrowser();
    await stolen.get("/login/");
    const foreign = stolen.csrf ?? "";
    expect((await browser.post("/account/two-factor/", { intent: "disable", csrf: foreign })).response.status).toBe(
      403,
    );
    expect((await browser.post("/account/recovery-codes/", { csrf: foreign })).response.status).toBe(403);
    expect(await stateOf(email)).toEqual(on);
  });
});

async function sha256Hex(text: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
}
