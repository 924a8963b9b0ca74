// /account/passkeys/ through the whole worker (docs/product.md "Passkeys"): the list, adding with the
// script's two JSON requests, renaming, removing (another user's: 404), the notices, and the
// relying party taken from APP_ORIGIN whatever Host the request names.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { SoftwareAuthenticator } from "../../helpers/authenticator";
import { registerThroughForm, TestBrowser, textOf } from "../../helpers/browser";
import { select } from "../../helpers/html";
import { mailTo } from "../../helpers/mailbox";
import { addPasskeyThroughPage, postForJson, signedInMailingBrowser } from "../../helpers/passkeys";

async function account() {
  const user = await registerThroughForm();
  return { user, browser: await signedInMailingBrowser(user) };
}

async function listed(browser: TestBrowser) {
  const { html } = await browser.get("/account/passkeys/");
  const names = await select(html, "ul.passkeys > li strong");
  const metas = await select(html, "ul.passkeys > li .device-meta");
  const removeButtons = await select(html, 'ul.passkeys button[name="intent"][value="remove"]');
  const ids = await select(html, 'ul.passkeys form input[name="passkey"]');
  return {
    html,
    items: names.map((name, i) => `${name.text} | ${metas[i]?.text}`),
    removeButtons: removeButtons.map((button) => button.text),
    ids: [...new Set(ids.map((input) => input.attrs.value ?? ""))],
  };
}

describe("the passkeys page", () => {
  it("is for signed-in users only", async () => {
    const { response } = await new TestBrowser().get("/account/passkeys/");
    expect(response.status).toBe(303);
    expect(response.headers.get("Location")).toBe("/login/?next=%2Faccount%2Fpasskeys%2F");
  });

  it("says, before any script runs, that adding needs JavaScript; lists nothing yet; the account page links to it", async () => {
    const { browser } = await account();
    const { html, items } = await listed(browser);
    expect(textOf(html)).toContain("Adding a passkey needs JavaScript.");
    expect(textOf(html)).toContain("You have no passkeys yet.");
    expect(items).toEqual([]);
    const accountPage = (await browser.get("/account/")).html;
    expect(await select(accountPage, 'a[href="/account/passkeys/"]')).toHaveLength(1);
  });
});

describe("adding a passkey", () => {
  it("stores it, lists it with its name and dates, sends the notice, and sets the flash", async () => {
    const { user, browser } = await account();
    const answer = await addPasskeyThroughPage(browser);
    expect(answer).toEqual({ status: 200, body: { redirect: "/account/passkeys/" } });
    const { html, items, removeButtons } = await listed(browser);
    expect(textOf(html)).toContain("The passkey has been added.");
    expect(items).toHaveLength(1);
    expect(items[0]).toMatch(/^Google Password Manager \| Added \d{1,2} \w{3} \d{4}, \d\d:\d\d UTC · Never used$/);
    expect(removeButtons).toEqual(["Remove"]);
    const { texts } = await mailTo(user.email ?? "");
    const notice = texts.find((text) =>
      text.includes(`A passkey ("Google Password Manager") was added to your Edge Auth account`),
    );
    expect(notice).toMatch(/\d{4}-\d\d-\d\d \d\d:\d\d UTC/);
    expect(notice).toContain("http://localhost/account/");
  });

  it("lists passkeys newest first", async () => {
    const { browser } = await account();
    await addPasskeyThroughPage(browser, new SoftwareAuthenticator("00000000-0000-0000-0000-000000000000"));
    await addPasskeyThroughPage(browser);
    expect((await listed(browser)).items.map((item) => item.split(" | ")[0])).toEqual([
      "Google Password Manager",
      "Passkey",
    ]);
  });

  it("takes the relying party from APP_ORIGIN, never from the request's Host", async () => {
    const { browser } = await account();
    const options = await postForJson(browser, "/account/passkeys/options/", {});
    expect((options.body.rp as { id: string }).id).toBe("localhost");
    const spoofed = await browser.post(
      "http://evil.example/account/passkeys/options/",
      {},
      { headers: { Origin: "http://evil.example", Host: "evil.example" } },
    );
    // Answered (the worker serves whatever host routes to it), and still for localhost.
    expect(spoofed.response.status).toBe(200);
    expect(JSON.parse(spoofed.html).rp).toEqual({ id: "localhost", name: "Edge Auth" });
  });

  it("refuses a credential made for another origin and stores nothing", async () => {
    const { browser } = await account();
    const answer = await addPasskeyThroughPage(browser, undefined, { origin: "https://evil.example" });
    expect(answer).toEqual({ status: 400, body: { error: "That passkey could not be verified. Try again." } });
    expect((await listed(browser)).items).toEqual([]);
  });

  it("answers a POST without the CSRF token with 403 in JSON, and makes no challenge", async () => {
    const { browser } = await account();
    const before = await env.DB.prepare("SELECT count(*) AS n FROM webauthn_challenges").first<{ n: number }>();
    const answer = await postForJson(browser, "/account/passkeys/options/", { csrf: "forged" });
    expect(answer.status).toBe(403);
    expect(answer.body.error).toMatch(/expired or came from another site/);
    const after = await env.DB.prepare("SELECT count(*) AS n FROM webauthn_challenges").first<{ n: number }>();
    expect(after?.n).toBe(before?.n);
  });

  it("sends a signed-out script to the login page", async () => {
    const browser = new TestBrowser();
    await browser.get("/login/");
    const answer = await postForJson(browser, "/account/passkeys/options/");
    expect(answer).toEqual({ status: 401, body: { redirect: "/login/?next=%2Faccount%2Fpasskeys%2Foptions%2F" } });
  });
});

describe("renaming and removing", () => {
  it("renames one, refusing an empty or over-long name with the message beside the field", async () => {
    const { browser } = await account();
    await addPasskeyThroughPage(browser);
    const [id = ""] = (await listed(browser)).ids;
    const empty = await browser.post("/account/passkeys/", { intent: "rename", passkey: id, name: "  " });
    expect(empty.response.status).toBe(400);
    expect(textOf(empty.html)).toContain("Enter a name");
    const long = await browser.post("/account/passkeys/", { intent: "rename", passkey: id, name: "x".repeat(61) });
    expect(long.response.status).toBe(400);
    const ok = await browser.post("/account/passkeys/", { intent: "rename", passkey: id, name: "Work <laptop>" });
    expect(ok.response.status).toBe(303);
    const { html, items } = await listed(browser);
    expect(items[0]).toMatch(/^Work <laptop> \| /);
    expect(html).toContain("Work &lt;laptop&gt;");
    expect(textOf(html)).toContain("The passkey has been renamed.");
  });

  it("removes one: 303 with the flash, gone from the list, the notice sent", async () => {
    const { user, browser } = await account();
    await addPasskeyThroughPage(browser);
    const [id = ""] = (await listed(browser)).ids;
    const { response } = await browser.post("/account/passkeys/", { intent: "remove", passkey: id });
    expect(response.status).toBe(303);
    expect(response.headers.get("Location")).toBe("/account/passkeys/");
    const { html, items } = await listed(browser);
    expect(items).toEqual([]);
    expect(textOf(html)).toContain("The passkey has been removed.");
    const { texts } = await mailTo(user.email ?? "");
    expect(
      texts.some((text) =>
        text.includes(`A passkey ("Google Password Manager") was removed from your Edge Auth account`),
      ),
    ).toBe(true);
  });

  it("answers 404 for another user's passkey, and neither removes nor renames it", async () => {
    const owner = await account();
    await addPasskeyThroughPage(owner.browser);
    const [id = ""] = (await listed(owner.browser)).ids;
    const stranger = await account();
    const remove = await stranger.browser.post("/account/passkeys/", { intent: "remove", passkey: id });
    expect(remove.response.status).toBe(404);
    const rename = await stranger.browser.post("/account/passkeys/", { intent: "rename", passkey: id, name: "Mine" });
    expect(rename.response.status).toBe(404);
    expect((await listed(owner.browser)).items[0]).toMatch(/^Google Password Manager \| /);
  });
});

describe("the confirmation adding and removing need", () => {
  async function forgetConfirmation(email: string) {
    await env.DB.prepare("UPDATE sessions SET confirmed_at = 0 WHERE user_id = (SELECT id FROM users WHERE email = ?)")
      .bind(email)
      .run();
  }

  it("sends the script to 'Confirm it's you' (and back to this page), making no challenge and adding nothing", async () => {
    const { user, browser } = await account();
    const options = await postForJson(browser, "/account/passkeys/options/");
    await forgetConfirmation(user.email ?? "");
    const again = await postForJson(browser, "/account/passkeys/options/");
    expect(again).toEqual({ status: 401, body: { redirect: "/account/confirm/?next=%2Faccount%2Fpasskeys%2F" } });
    // A credential made with options fetched while still confirmed is refused too.
    const { challenge, user: handle } = options.body as { challenge: string; user: { id: string } };
    const credential = await new SoftwareAuthenticator().register({
      challenge,
      origin: "http://localhost",
      rpId: "localhost",
      userHandle: handle.id,
    });
    const saved = await postForJson(browser, "/account/passkeys/new/", { credential: JSON.stringify(credential) });
    expect(saved.status).toBe(401);
    expect((await listed(browser)).items).toEqual([]);
  });

  it("answers a removal with 303 to 'Confirm it's you' and removes nothing", async () => {
    const { user, browser } = await account();
    await addPasskeyThroughPage(browser);
    const [id = ""] = (await listed(browser)).ids;
    await forgetConfirmation(user.email ?? "");
    const { response } = await browser.post("/account/passkeys/", { intent: "remove", passkey: id });
    expect(response.status).toBe(303);
    expect(response.headers.get("Location")).toBe("/account/confirm/?next=%2Faccount%2Fpasskeys%2F");
    expect((await listed(browser)).items).toHaveLength(1);
  });
});
