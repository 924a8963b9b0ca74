// "Confirm it's you" with a passkey (docs/product.md "Confirming it's you"): the options name only
// the user's own passkeys and ask for user verification; a good assertion confirms this session for
// 10 minutes and sends the script to `next`; everything else confirms nothing: another user's
// passkey, a challenge made for sign-in or for someone else, a replay, no user verification, and
// the per-account throttle. With the D1 round trips of both requests.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { SoftwareAuthenticator } from "../../helpers/authenticator";
import { newUser, registerThroughForm, type TestBrowser } from "../../helpers/browser";
import { userByEmail } from "../../helpers/db";
import {
  type AssertionChange,
  addPasskeyThroughPage,
  assertionFor,
  countedCeremony,
  postForJson,
  signedInMailingBrowser,
} from "../../helpers/passkeys";

const NOT_REGISTERED = "That passkey is not registered here.";
const REFUSED = "That passkey could not be verified. Try again.";
const USED_OR_EXPIRED = "That took too long, or the request was already used. Try again.";

/** A user with one passkey, signed in, whose session's confirmation has lapsed, at /account/confirm/. */
async function lapsedUserWithPasskey() {
  const user = await registerThroughForm(newUser());
  const browser = await signedInMailingBrowser(user);
  const authenticator = new SoftwareAuthenticator();
  const added = await addPasskeyThroughPage(browser, authenticator);
  if (added.status !== 200) throw new Error(`adding failed: ${JSON.stringify(added)}`);
  const row = await userByEmail(user.email ?? "");
  const userId = row?.id ?? 0;
  await env.DB.prepare("UPDATE sessions SET confirmed_at = 0 WHERE user_id = ?").bind(userId).run();
  await browser.get("/account/confirm/?next=%2Faccount%2Fpasskeys%2F");
  return { user, userId, browser, authenticator };
}

async function confirmedAt(userId: number): Promise<number> {
  const row = await env.DB.prepare("SELECT max(confirmed_at) AS at FROM sessions WHERE user_id = ?")
    .bind(userId)
    .first<{ at: number | null }>();
  return row?.at ?? 0;
}

/** The "Use a passkey" button's script: options, the authenticator's assertion (changed by `change`), the POST. */
async function confirmWithPasskey(
  browser: TestBrowser,
  authenticator: SoftwareAuthenticator,
  change: AssertionChange = {},
  fields: Record<string, string> = { next: "/account/passkeys/" },
) {
  const options = await postForJson(browser, "/account/confirm/passkey/options/");
  const credential = await assertionFor(authenticator, options.body.challenge, change);
  return { credential, answer: await postForJson(browser, "/account/confirm/passkey/", { credential, ...fields }) };
}

/** Whether the guarded page lets this browser in now (a 303 to /account/confirm/ when not). */
async function guardLetsIn(browser: TestBrowser): Promise<boolean> {
  const { response } = await browser.get("/account/email/");
  return response.status === 200;
}

describe("confirming with a passkey: the options", () => {
  it("list only this user's passkeys, ask for user verification, name APP_ORIGIN's host", async () => {
    const { browser, userId } = await lapsedUserWithPasskey();
    const other = await lapsedUserWithPasskey();
    const { status, body } = await postForJson(browser, "/account/confirm/passkey/options/");
    expect(status).toBe(200);
    expect(body).toMatchObject({ rpId: "localhost", userVerification: "required" });
    const [own] = await env.DB.prepare("SELECT id FROM passkeys WHERE user_id = ?").bind(userId).raw<[string]>();
    expect(body.allowCredentials).toEqual([{ type: "public-key", id: own?.[0], transports: ["internal", "hybrid"] }]);
    const [others] = await env.DB.prepare("SELECT id FROM passkeys WHERE user_id = ?")
      .bind(other.userId)
      .raw<[string]>();
    expect(JSON.stringify(body)).not.toContain(others?.[0]);
  });

  it("need a signed-in browser and the page's CSRF token", async () => {
    const { browser } = await lapsedUserWithPasskey();
    expect((await postForJson(browser, "/account/confirm/passkey/options/", { csrf: "forged" })).status).toBe(403);
    await browser.post("/logout/", {});
    const signedOut = await postForJson(browser, "/account/confirm/passkey/options/");
    expect(signedOut.status).toBe(401);
    expect(String(signedOut.body.redirect)).toMatch(/^\/login\//);
  });
});

describe("confirming with a passkey", () => {
  it("confirms this session: the script goes to `next`, the guarded pages open, the counter and last use move on", async () => {
    const { browser, userId, authenticator } = await lapsedUserWithPasskey();
    expect(await guardLetsIn(browser)).toBe(false);
    const before = Date.now();
    const { answer } = await confirmWithPasskey(browser, authenticator);
    expect(answer).toEqual({ status: 200, body: { redirect: "/account/passkeys/" } });
    expect(await confirmedAt(userId)).toBeGreaterThanOrEqual(before);
    expect(await guardLetsIn(browser)).toBe(true);
    const passkey = await env.DB.prepare("SELECT counter, last_used_at FROM passkeys WHERE user_id = ?")
      .bind(userId)
      .first<{ counter: number; last_used_at: number }>();
    expect(passkey?.counter).toBe(2);
    expect(passkey?.last_used_at).toBeGreaterThanOrEqual(before);
  });

  it("sends the script to /account/ when `next` leaves the account area", async () => {
    const { browser, authenticator } = await lapsedUserWithPasskey();
    const { answer } = await confirmWithPasskey(browser, authenticator, {}, { next: "//evil.example/" });
    expect(answer).toEqual({ status: 200, body: { redirect: "/account/" } });
  });

  it("refuses another user's passkey, a replay, a missing user verification, another origin: nothing confirmed", async () => {
    const { browser, userId, authenticator } = await lapsedUserWithPasskey();
    const other = await lapsedUserWithPasskey();
    // The other user's passkey answering this user's challenge.
    expect((await confirmWithPasskey(browser, other.authenticator)).answer).toEqual({
      status: 400,
      body: { error: NOT_REGISTERED },
    });
    expect((await confirmWithPasskey(browser, authenticator, { userVerified: false })).answer).toEqual({
      status: 400,
      body: { error: REFUSED },
    });
    expect((await confirmWithPasskey(browser, authenticator, { origin: "https://evil.example" })).answer).toEqual({
      status: 400,
      body: { error: REFUSED },
    });
    expect(await confirmedAt(userId)).toBe(0);
    // A good one, then the same assertion again: its challenge is spent.
    const { credential, answer } = await confirmWithPasskey(browser, authenticator);
    expect(answer.status).toBe(200);
    await env.DB.prepare("UPDATE sessions SET confirmed_at = 0 WHERE user_id = ?").bind(userId).run();
    const replay = await postForJson(browser, "/account/confirm/passkey/", { credential, next: "/account/" });
    expect(replay).toEqual({ status: 400, body: { error: USED_OR_EXPIRED } });
    expect(await confirmedAt(userId)).toBe(0);
  });

  it("takes no challenge made for another purpose or person: sign-in's, another user's confirmation's", async () => {
    const { browser, userId, authenticator } = await lapsedUserWithPasskey();
    const other = await lapsedUserWithPasskey();
    const signInChallenge = await postForJson(browser, "/login/passkey/options/");
    const othersChallenge = await postForJson(other.browser, "/account/confirm/passkey/options/");
    for (const options of [signInChallenge, othersChallenge]) {
      const credential = await assertionFor(authenticator, options.body.challenge);
      const answer = await postForJson(browser, "/account/confirm/passkey/", { credential, next: "/account/" });
      expect(answer).toEqual({ status: 400, body: { error: USED_OR_EXPIRED } });
    }
    expect(await confirmedAt(userId)).toBe(0);
    // And a confirmation's challenge signs nobody in.
    const confirmChallenge = await postForJson(browser, "/account/confirm/passkey/options/");
    const credential = await assertionFor(authenticator, confirmChallenge.body.challenge);
    expect(await postForJson(browser, "/login/passkey/", { credential })).toEqual({
      status: 400,
      body: { error: USED_OR_EXPIRED },
    });
  });

  it("is counted by the per-account throttle: after 5 refused, a good one waits", async () => {
    const { browser, userId, authenticator } = await lapsedUserWithPasskey();
    for (let i = 0; i < 5; i++)
      expect(
        (await confirmWithPasskey(browser, authenticator, { userVerified: false })).answer,
        `attempt ${i + 1}`,
      ).toEqual({ status: 400, body: { error: REFUSED } });
    const { answer } = await confirmWithPasskey(browser, authenticator);
    expect(answer.status).toBe(429);
    expect(String(answer.body.error)).toMatch(/^Too many attempts\. Try again in \d+ minutes?\.$/);
    expect(await confirmedAt(userId)).toBe(0);
  });
});

describe("D1 round trips of a confirmation with a passkey", () => {
  it("options: 2 (the session; the challenge stored with the user's passkeys read); confirmation: 5 (the session, challenge + passkey, throttle, counter, the confirmation's batch)", async () => {
    const { browser, authenticator } = await lapsedUserWithPasskey();
    const { options, answer: confirmed } = await countedCeremony(
      browser,
      authenticator,
      { options: "/account/confirm/passkey/options/", answer: "/account/confirm/passkey/" },
      { next: "/account/" },
    );
    expect(options).toMatchObject({ status: 200, roundTrips: 2 });
    expect(confirmed).toMatchObject({ status: 200, roundTrips: 5 });
    expect(JSON.parse(confirmed.text)).toEqual({ redirect: "/account/" });
  });
});
