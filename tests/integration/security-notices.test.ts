// Security notices (docs/product.md "Security notices"): every notice the SPEC lists names what
// happened, when (UTC), the browser and system and the place the request came from, links to
// /account/ and never to anything that signs in; the passkey notices name the passkey; and no
// notice goes out where none is due (the first sign-in after registration, a failed sign-in).
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import type { AppLoadContext } from "@remix-run/cloudflare";
import { describe, expect, it } from "vitest";
import { type SecurityNotice, sendSecurityNotice } from "~/email/notices.server";
import { SoftwareAuthenticator } from "../helpers/authenticator";
import { newUser, ORIGIN, registerThroughForm, TestBrowser } from "../helpers/browser";
import { mailTo } from "../helpers/mailbox";
import { addPasskeyThroughPage, postForJson, RP_ID, signedInMailingBrowser } from "../helpers/passkeys";

const CHROME_WINDOWS =
  "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";
const FROM_LONDON = { headers: { "User-Agent": CHROME_WINDOWS }, cf: { city: "London", country: "GB" } } as RequestInit;

// Each notice of the SPEC's list, by its subject and the words that say what happened.
const NOTICES: [SecurityNotice, string, RegExp][] = [
  ["password_changed", "Your password was changed", /The password of your Edge Auth account \(.+\) was changed\./],
  ["two_factor_enabled", "Two-step verification was turned on", /Two-step verification was turned on for/],
  ["two_factor_disabled", "Two-step verification was turned off", /Two-step verification was turned off for/],
  ["recovery_code_used", "A recovery code was used to sign in to your account", /A recovery code was used to sign in/],
  ["passkey_added", "A passkey was added to your account", /A passkey \("Work key"\) was added to your Edge Auth/],
  ["passkey_removed", "A passkey was removed from your account", /A passkey \("Work key"\) was removed from your/],
  ["email_changed", "Your email address was changed", /The email address of your Edge Auth account was changed from/],
  [
    "new_sign_in",
    "New sign-in to your account",
    /was signed in to from a browser and system it has not been signed in from before/,
  ],
];

/** Every href in an HTML part. */
const hrefsOf = (html: string) => [...html.matchAll(/href="([^"]+)"/g)].map((match) => match[1] ?? "");

/** What a notice must say and link to, checked in both parts. */
function expectNoticeFacts(text: string, html: string, when: RegExp) {
  for (const part of [text, html]) {
    expect(part).toMatch(when);
    expect(part).toContain("Chrome on Windows");
    expect(part).toContain("London, United Kingdom");
  }
  expect(text).toContain("Device: Chrome on Windows");
  expect(text).toContain("Place: London, United Kingdom");
  expect(text).toContain(`Your account: ${env.APP_ORIGIN}/account/`);
  // Links: the account page and "forgot password" (which asks for the address), nothing that signs in.
  expect(hrefsOf(html).sort()).toEqual([`${env.APP_ORIGIN}/account/`, `${env.APP_ORIGIN}/forgot-password/`]);
  const linksInText = text.match(/https?:\/\/\S+/g) ?? [];
  expect(linksInText.sort()).toEqual([`${env.APP_ORIGIN}/account/`, `${env.APP_ORIGIN}/forgot-password/`]);
  for (const part of [text, html]) expect(part).not.toMatch(/token=|\/login\/|\/verify-email\/|\/reset-password\//);
}

describe("every security notice the SPEC lists", () => {
  it.each(NOTICES)(
    "%s: what, when (UTC), device, place, a link to /account/, nothing that signs in",
    async (event, subject, what) => {
      const to = newUser().email ?? "";
      const ctx = createExecutionContext();
      const context: AppLoadContext = {
        cloudflare: { env, ctx, cf: { city: "London", country: "GB" } as IncomingRequestCfProperties },
      };
      const request = new Request(`${ORIGIN}/account/`, { headers: { "User-Agent": CHROME_WINDOWS } });
      const at = new Date("2026-03-04T05:06:07Z");
      sendSecurityNotice(request, context, { email: to, firstName: "Ada" }, event, { at, passkey: "Work key" });
      await waitOnExecutionContext(ctx);
      const { texts, htmls } = await mailTo(to, subject);
      expect(texts).toHaveLength(1);
      const [text = "", html = ""] = [texts[0], htmls[0]];
      expect(text).toMatch(what);
      expect(text).toContain("Hello Ada,");
      expect(text).toContain("When: 2026-03-04 05:06 UTC");
      expectNoticeFacts(text, html, /2026-03-04 05:06 UTC/);
    },
  );

  it("escapes what it quotes in the HTML part (a passkey's name is the user's own text)", async () => {
    const to = newUser().email ?? "";
    const ctx = createExecutionContext();
    const context: AppLoadContext = { cloudflare: { env, ctx } };
    const request = new Request(`${ORIGIN}/account/`);
    sendSecurityNotice(request, context, { email: to, firstName: "<i>Ada</i>" }, "passkey_removed", {
      passkey: '<a href="https://evil.example/">key</a>',
    });
    await waitOnExecutionContext(ctx);
    const [html = ""] = (await mailTo(to)).htmls;
    expect(html).not.toContain("<i>Ada");
    expect(html).not.toContain('evil.example/">');
    expect(html).toContain("&lt;a href=&quot;https://evil.example/&quot;&gt;key&lt;/a&gt;");
    // Without request data the notice says so instead of leaving the lines out.
    expect((await mailTo(to)).texts[0]).toContain("Device: Unknown device\nPlace: Unknown place");
  });
});

describe("the passkey notices, sent by the passkeys page", () => {
  it("name the passkey added (its authenticator's name) and the one removed (its name after a rename)", async () => {
    const user = await registerThroughForm(newUser());
    const email = user.email ?? "";
    const browser = await signedInMailingBrowser(user);
    const added = await addPasskeyThroughPage(browser, new SoftwareAuthenticator());
    expect(added.status).toBe(200);
    const [addedText = ""] = (await mailTo(email, "A passkey was added to your account")).texts;
    expect(addedText).toContain('A passkey ("Google Password Manager") was added to your Edge Auth account');
    const { html } = await browser.get("/account/passkeys/");
    const id = /name="passkey" value="([^"]+)"/.exec(html)?.[1] ?? "";
    await browser.post("/account/passkeys/", { intent: "rename", passkey: id, name: "Work laptop" });
    await browser.get("/account/passkeys/");
    const { response } = await browser.post("/account/passkeys/", { intent: "remove", passkey: id }, FROM_LONDON);
    expect(response.status).toBe(303);
    const removed = await mailTo(email, "A passkey was removed from your account");
    expect(removed.texts).toHaveLength(1);
    const [text = "", removedHtml = ""] = [removed.texts[0], removed.htmls[0]];
    expect(text).toContain('A passkey ("Work laptop") was removed from your Edge Auth account');
    expectNoticeFacts(text, removedHtml, /\d{4}-\d\d-\d\d \d\d:\d\d UTC/);
  });
});

describe("no notice where none is due", () => {
  it("registration, the first sign-in, failed sign-ins (a wrong password, an unknown passkey) and a sign-in from a known browser send no notice", async () => {
    const user = await registerThroughForm(newUser());
    const email = user.email ?? "";
    const browser = new TestBrowser({ awaitBackgroundWork: true });
    await browser.get("/login/", FROM_LONDON);
    // A wrong password, then a passkey nobody registered: refused, nothing sent.
    expect((await browser.post("/login/", { email, password: "not the password" }, FROM_LONDON)).response.status).toBe(
      400,
    );
    const options = await postForJson(browser, "/login/passkey/options/");
    const stranger = new SoftwareAuthenticator();
    await stranger.register({ challenge: "unused", origin: ORIGIN, rpId: RP_ID, userHandle: "nobody" });
    const assertion = await stranger.assert({ challenge: String(options.body.challenge), origin: ORIGIN, rpId: RP_ID });
    const refused = await postForJson(browser, "/login/passkey/", { credential: JSON.stringify(assertion) });
    expect(refused.status).toBe(400);
    // The first sign-in after registration, then another from the same browser and system.
    expect((await browser.post("/login/", { email, password: user.password ?? "" }, FROM_LONDON)).response.status).toBe(
      303,
    );
    const again = new TestBrowser({ awaitBackgroundWork: true });
    await again.get("/login/", FROM_LONDON);
    expect((await again.post("/login/", { email, password: user.password ?? "" }, FROM_LONDON)).response.status).toBe(
      303,
    );
    const { texts } = await mailTo(email);
    // Only the address confirmation sent at registration.
    expect(texts).toHaveLength(1);
    expect(texts[0]).toContain("Please confirm that");
  });
});
