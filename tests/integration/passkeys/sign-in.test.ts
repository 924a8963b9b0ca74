// Signing in with a passkey through the whole worker (docs/product.md "Passkeys", "Signing in"): a
// login success in every respect without the code step, and every way an assertion must be refused,
// each performed: replay, expiry, another origin or rp id, no user verification, a counter going
// back, an unknown or removed passkey, another user's handle, and the per-account throttle.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { relyingParty } from "~/auth/passkeys/passkeys.server";
import { authenticationOptions } from "~/auth/passkeys/sign-in.server";
import { getDbOutsideRequest } from "~/database/db.server";
import { type Ceremony, SoftwareAuthenticator } from "../../helpers/authenticator";
import { newUser, ORIGIN, registerThroughForm, TestBrowser, textOf } from "../../helpers/browser";
import { SESSION_COOKIE } from "../../helpers/cookies";
import { userByEmail } from "../../helpers/db";
import {
  type AssertionChange,
  addPasskeyThroughPage,
  assertionFor,
  countedCeremony,
  postForJson,
  RP_ID,
  signedInMailingBrowser,
} from "../../helpers/passkeys";
import { turnOnInDatabase } from "../../helpers/two-factor";

const NOT_REGISTERED = "That passkey is not registered here.";
const REFUSED = "That passkey could not be verified. Try again.";
const USED_OR_EXPIRED = "That took too long, or the request was already used. Try again.";

/** A registered user with one passkey, and a fresh signed-out browser at the login page. */
async function userWithPasskey(authenticator = new SoftwareAuthenticator()) {
  const user = await registerThroughForm(newUser());
  const owner = await signedInMailingBrowser(user);
  const added = await addPasskeyThroughPage(owner, authenticator);
  if (added.status !== 200) throw new Error(`adding failed: ${JSON.stringify(added)}`);
  const browser = new TestBrowser();
  await browser.get("/login/");
  return { user, authenticator, browser };
}

/** The login page's script: options, the authenticator's assertion (tampered with by `change`), the POST. */
async function passkeySignIn(
  browser: TestBrowser,
  authenticator: SoftwareAuthenticator,
  change: AssertionChange = {},
  fields: Record<string, string> = {},
) {
  const options = await postForJson(browser, "/login/passkey/options/");
  const credential = await assertionFor(authenticator, options.body.challenge, change);
  return { credential, answer: await postForJson(browser, "/login/passkey/", { credential, ...fields }) };
}

describe("sign-in options", () => {
  it("ask for user verification, name this site's rp id and no credentials (the browser offers the user's own)", async () => {
    const browser = new TestBrowser();
    await browser.get("/login/");
    const { status, body } = await postForJson(browser, "/login/passkey/options/");
    expect(status).toBe(200);
    expect(body).toMatchObject({ rpId: "localhost", userVerification: "required", allowCredentials: [] });
    expect(String(body.challenge)).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it("need the page's CSRF token", async () => {
    const browser = new TestBrowser();
    await browser.get("/login/");
    const { status } = await postForJson(browser, "/login/passkey/options/", { csrf: "forged" });
    expect(status).toBe(403);
  });
});

describe("signing in with a passkey", () => {
  it("is a login success in every respect: session, count, previous login, remember-me, safe next; no code step with two-step on", async () => {
    const { user, authenticator, browser } = await userWithPasskey();
    const row = await userByEmail(user.email ?? "");
    if (!row) throw new Error("no user");
    await turnOnInDatabase(row.id);
    const { answer } = await passkeySignIn(browser, authenticator, {}, { next: "/account/", remember_me: "y" });
    expect(answer).toEqual({ status: 200, body: { redirect: "/account/" } });
    const line = browser.lastSetCookies.find((c) => c.startsWith(`${SESSION_COOKIE}=`)) ?? "";
    expect(line).toMatch(/Max-Age=86400/i);
    const dash = await browser.get("/dash/");
    expect(dash.response.status).toBe(200);
    expect(textOf(dash.html)).toContain("Logins: 2");
    expect(textOf(dash.html)).toContain("Previous login:");
    const after = await userByEmail(user.email ?? "");
    expect(after?.login_count).toBe(2);
    // The passkey's use is recorded: its counter moved on and "last used" is set.
    const passkey = await env.DB.prepare("SELECT counter, last_used_at FROM passkeys WHERE user_id = ?")
      .bind(row.id)
      .first<{ counter: number; last_used_at: number }>();
    expect(passkey?.counter).toBe(2);
    expect(passkey?.last_used_at).toBeGreaterThan(Date.now() - 60_000);
  });

  it("sends an unsafe next to /dash/, and without 'Remember me' sets a cookie that ends with the browser", async () => {
    const { authenticator, browser } = await userWithPasskey();
    const { answer } = await passkeySignIn(browser, authenticator, {}, { next: "//evil.example/" });
    expect(answer.body).toEqual({ redirect: "/dash/" });
    const line = browser.lastSetCookies.find((c) => c.startsWith(`${SESSION_COOKIE}=`)) ?? "";
    expect(line).not.toMatch(/max-age|expires/i);
  });

  it("works once per challenge: the same assertion posted again is refused", async () => {
    const { authenticator, browser } = await userWithPasskey();
    const { credential, answer } = await passkeySignIn(browser, authenticator);
    expect(answer.status).toBe(200);
    const again = new TestBrowser();
    await again.get("/login/");
    expect(await postForJson(again, "/login/passkey/", { credential })).toEqual({
      status: 400,
      body: { error: USED_OR_EXPIRED },
    });
  });

  it("refuses a challenge older than 5 minutes", async () => {
    const { authenticator, browser } = await userWithPasskey();
    const sixMinutesAgo = new Date(Date.now() - 6 * 60 * 1000);
    const options = await authenticationOptions(getDbOutsideRequest(env), relyingParty(env), sixMinutesAgo);
    const credential = await assertionFor(authenticator, options.challenge);
    expect(await postForJson(browser, "/login/passkey/", { credential })).toEqual({
      status: 400,
      body: { error: USED_OR_EXPIRED },
    });
  });

  const refusals: [string, AssertionChange][] = [
    ["made on another origin (a phishing page)", { origin: "https://localhost.evil.example" }],
    ["for another rp id", { rpId: "evil.example" }],
    ["without user verification", { userVerified: false }],
    ["whose counter went backwards", { counter: 0 }],
  ];
  for (const [what, change] of refusals) {
    it(`refuses an assertion ${what}, and opens no session`, async () => {
      const { authenticator, browser } = await userWithPasskey();
      const { answer } = await passkeySignIn(browser, authenticator, change);
      expect(answer).toEqual({ status: 400, body: { error: REFUSED } });
      expect((await browser.get("/dash/")).response.status).toBe(303);
    });
  }

  it("answers an unknown passkey, and one that was removed, with 'That passkey is not registered here.'", async () => {
    const stranger = new SoftwareAuthenticator();
    await stranger.register({ challenge: "AA", origin: ORIGIN, rpId: RP_ID, userHandle: "bm9ib2R5" });
    const browser = new TestBrowser();
    await browser.get("/login/");
    expect((await passkeySignIn(browser, stranger)).answer).toEqual({ status: 400, body: { error: NOT_REGISTERED } });

    const { user, authenticator, browser: other } = await userWithPasskey();
    const owner = await signedInMailingBrowser(user);
    const page = await owner.get("/account/passkeys/");
    const id = /name="passkey" value="([^"]+)"/.exec(page.html)?.[1] ?? "";
    expect((await owner.post("/account/passkeys/", { intent: "remove", passkey: id })).response.status).toBe(303);
    expect((await passkeySignIn(other, authenticator)).answer).toEqual({
      status: 400,
      body: { error: NOT_REGISTERED },
    });
  });

  it("refuses an assertion that names another user's handle", async () => {
    const { authenticator, browser } = await userWithPasskey();
    const victim = await userWithPasskey();
    const mine = authenticator.credentials[0];
    const theirs = victim.authenticator.credentials[0];
    if (!mine || !theirs) throw new Error("no credentials");
    mine.userHandle = theirs.userHandle;
    expect((await passkeySignIn(browser, authenticator)).answer).toEqual({ status: 400, body: { error: REFUSED } });
  });

  it("counts attempts in the account's throttle: after 5 refused from other browsers, a good one from another waits", async () => {
    const { authenticator } = await userWithPasskey();
    const fromNewBrowser = async (change: Partial<Ceremony> = {}) => {
      const browser = new TestBrowser();
      await browser.get("/login/");
      return (await passkeySignIn(browser, authenticator, change)).answer;
    };
    for (let i = 0; i < 5; i++) expect((await fromNewBrowser({ userVerified: false })).status).toBe(400);
    const answer = await fromNewBrowser();
    expect(answer.status).toBe(429);
    expect(String(answer.body.error)).toMatch(/^Too many attempts\. Try again in \d+ minutes?\.$/);
  });
});

describe("D1 round trips of a passkey sign-in", () => {
  it("options: 1 (the challenge stored, expired ones swept); sign-in: 4 (challenge spent + passkey read, throttle count, counter, completeSignIn's batch)", async () => {
    const { authenticator, browser } = await userWithPasskey();
    const { options, answer: signIn } = await countedCeremony(browser, authenticator, {
      options: "/login/passkey/options/",
      answer: "/login/passkey/",
    });
    expect(options).toMatchObject({ status: 200, roundTrips: 1 });
    expect(signIn).toMatchObject({ status: 200, roundTrips: 4 });
    expect(JSON.parse(signIn.text)).toEqual({ redirect: "/dash/" });
  });
});
