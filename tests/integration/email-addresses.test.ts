// docs/product.md "Email addresses": the confirmation link after registration, /verify-email/ (a GET
// never confirms), the banner and "Send the link again", and changing the address through a link to
// the new one, with "Your email address was changed" to the old. Emails are read back from what the
// simulated send_email binding was given (tests/setup/mailbox.ts).
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { messages, serverMessages } from "~/messages";
import { WERKZEUG_3_VECTORS } from "../fixtures/werkzeug-vectors";
import { type Fields, newUser, signedInBrowser, TestBrowser, textOf } from "../helpers/browser";
import { sha256HexIndependent } from "../helpers/cookies";
import { createUser, emailsCounted, tokensOf, userByEmail } from "../helpers/db";
import { select, selectOne, visibleInputs } from "../helpers/html";
import { addressLinksTo, askForResetLink, mailTo, newestAddressLink } from "../helpers/mailbox";

const CONFIRM = "Confirm your email address";
const CONFIRM_NEW = "Confirm your new email address";
const CHANGED = "Your email address was changed";
const HOUR = 60 * 60 * 1000;

/** Registers through the form and waits until the confirmation email has been handed to the binding. */
async function register(fields: Fields = newUser()): Promise<Fields & { email: string }> {
  const browser = new TestBrowser({ awaitBackgroundWork: true });
  await browser.get("/register/");
  const { response } = await browser.post("/register/", fields);
  if (response.status !== 303) throw new Error(`registration failed with ${response.status}`);
  return { ...fields, email: fields.email ?? "" };
}

async function confirmedAt(email: string): Promise<number | null> {
  const row = await env.DB.prepare("SELECT email_confirmed_at FROM users WHERE email = ?")
    .bind(email)
    .first<{ email_confirmed_at: number | null }>();
  return row?.email_confirmed_at ?? null;
}

function pathOf(link: URL): string {
  return `${link.pathname}${link.search}`;
}

/** Opens a link and presses its button, as a person would; in a browser of its own unless given one. */
async function openAndConfirm(link: URL, browser = new TestBrowser({ awaitBackgroundWork: true })) {
  const page = await browser.get(pathOf(link));
  if (!browser.csrf) await browser.get("/login/");
  const posted = await browser.post(pathOf(link), { token: link.searchParams.get("token") ?? "" });
  return { browser, page, ...posted };
}

/** A signed-in browser whose requests wait for their emails. */
async function signedIn(user: Fields) {
  const { browser } = await signedInBrowser(user);
  return browser.twin({ awaitBackgroundWork: true });
}

async function changeAddress(browser: TestBrowser, email: string) {
  await browser.get("/account/email/");
  return browser.post("/account/email/", { email });
}

/** `user` signed in and asking, on /account/email/, to change to a new address of its own. */
async function askedToChange(user: Fields): Promise<{ browser: TestBrowser; next: string }> {
  const browser = await signedIn(user);
  const next = newUser().email ?? "";
  await changeAddress(browser, next);
  return { browser, next };
}

describe("after registration", () => {
  it('the flow and messages are unchanged, and "Confirm your email address" goes to the address with a 24-hour link on APP_ORIGIN', async () => {
    const fields = newUser({ first_name: "Grace" });
    const browser = new TestBrowser({ awaitBackgroundWork: true });
    await browser.get("/register/");
    const { response } = await browser.post("/register/", fields);
    expect(response.status).toBe(303);
    expect(response.headers.get("Location")).toBe("/login/");
    expect(textOf((await browser.get("/login/")).html)).toContain(messages.registered);

    const email = fields.email ?? "";
    const { texts, htmls } = await mailTo(email, CONFIRM);
    expect(texts).toHaveLength(1);
    expect(htmls).toHaveLength(1);
    const link = await newestAddressLink(email);
    expect(link.origin).toBe(env.APP_ORIGIN);
    expect(link.pathname).toBe("/verify-email/");
    const token = link.searchParams.get("token") ?? "";
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    for (const part of [texts[0] ?? "", htmls[0] ?? ""]) {
      expect(part).toContain("Hello Grace,");
      expect(part).toContain(link.href);
      expect(part).toContain("24 hours");
    }
    const [row] = await tokensOf(email, "verify_email");
    expect(row?.id).toBe(sha256HexIndependent(token));
    expect(row?.data).toBe(email);
    expect((row?.expires_at ?? 0) - (row?.created_at ?? 0)).toBe(24 * HOUR);
    expect(await confirmedAt(email)).toBeNull();
  });

  it("a registration refused (the address taken) sends nothing and stores no link", async () => {
    const first = await register();
    const again = new TestBrowser({ awaitBackgroundWork: true });
    await again.get("/register/");
    const { response } = await again.post("/register/", newUser({ email: first.email }));
    expect(response.status).toBe(400);
    expect(await addressLinksTo(first.email, CONFIRM)).toHaveLength(1);
    expect(await tokensOf(first.email, "verify_email")).toHaveLength(1);
  });

  it("two registrations of one address at once: one account, one link, never a 500", async () => {
    const fields = newUser();
    const twins = [new TestBrowser({ awaitBackgroundWork: true }), new TestBrowser({ awaitBackgroundWork: true })];
    await Promise.all(twins.map((b) => b.get("/register/")));
    const answers = await Promise.all(twins.map((b) => b.post("/register/", fields)));
    expect(answers.map((a) => a.response.status).sort()).toEqual([303, 400]);
    expect(await addressLinksTo(fields.email ?? "", CONFIRM)).toHaveLength(1);
    expect(await tokensOf(fields.email ?? "", "verify_email")).toHaveLength(1);
  });
});

describe("/verify-email/", () => {
  it('GET with a live link shows "Confirm email address" (token in a hidden field) and confirms nothing, however often it is fetched', async () => {
    const user = await register();
    const link = await newestAddressLink(user.email);
    for (let i = 0; i < 3; i++) {
      const { response, html } = await new TestBrowser().get(pathOf(link));
      expect(response.status).toBe(200);
      expect(response.headers.get("Referrer-Policy")).toBe("no-referrer");
      expect(response.headers.get("Cache-Control")).toBe("no-store");
      expect((await selectOne(html, "main form button")).text).toBe("Confirm email address");
      expect((await selectOne(html, "main form")).attrs.method).toBe("post");
      expect((await selectOne(html, 'main input[name="token"]')).attrs).toMatchObject({
        type: "hidden",
        value: link.searchParams.get("token"),
      });
      expect(textOf(html)).toContain(user.email);
    }
    // A HEAD, as some scanners send, changes nothing either.
    await new TestBrowser().fetch(pathOf(link), { method: "HEAD" });
    expect(await confirmedAt(user.email)).toBeNull();
  });

  it('POST signed out: confirmed, flash "Your email address is confirmed." and 303 to /login/; the link then is spent', async () => {
    const user = await register();
    const link = await newestAddressLink(user.email);
    const { browser, response } = await openAndConfirm(link);
    expect(response.status).toBe(303);
    expect(response.headers.get("Location")).toBe("/login/");
    expect(textOf((await browser.get("/login/")).html)).toContain(serverMessages.emailConfirmed);
    expect(await confirmedAt(user.email)).not.toBeNull();
    const again = await openAndConfirm(link);
    expect(again.page.response.status).toBe(400);
    expect(textOf(again.page.html)).toContain(messages.resetLinkInvalid);
    expect(again.response.status).toBe(400);
    expect(textOf(again.html)).toContain(messages.resetLinkInvalid);
  });

  it("POST signed in: 303 to /dash/, and the banner is gone from /dash/ and /account/", async () => {
    const user = await register();
    const browser = await signedIn(user);
    for (const page of ["/dash/", "/account/"]) {
      const { html } = await browser.get(page);
      expect(textOf(html)).toContain("Your email address is not confirmed.");
      const form = (await select(html, "main form")).find((f) => f.attrs.action === "/verify-email/send/");
      expect(form).toBeDefined();
      expect((await select(html, "main form button")).map((b) => b.text)).toContain("Send the link again");
    }
    const { response } = await openAndConfirm(await newestAddressLink(user.email), browser);
    expect(response.status).toBe(303);
    expect(response.headers.get("Location")).toBe("/dash/");
    const dash = textOf((await browser.get("/dash/")).html);
    expect(dash).toContain(serverMessages.emailConfirmed);
    expect(dash).not.toContain("Your email address is not confirmed.");
    expect(textOf((await browser.get("/account/")).html)).not.toContain("Your email address is not confirmed.");
  });

  it.each([
    ["missing", "/verify-email/"],
    ["empty", "/verify-email/?token="],
    ["malformed", "/verify-email/?token=%3Cscript%3E"],
    ["unknown", `/verify-email/?token=${"A".repeat(43)}`],
  ])('a %s token: 400 "This link is invalid or has expired." with no button', async (_case, path) => {
    const { response, html } = await new TestBrowser().get(path);
    expect(response.status).toBe(400);
    expect(textOf(html)).toContain(messages.resetLinkInvalid);
    expect(await select(html, 'main input[name="token"]')).toEqual([]);
    const browser = new TestBrowser();
    await browser.get("/login/");
    const posted = await browser.post("/verify-email/", {
      token: new URL(path, "http://x").searchParams.get("token") ?? "",
    });
    expect(posted.response.status).toBe(400);
  });

  it("an expired link (over 24 hours old) is invalid and confirms nothing", async () => {
    const user = await register();
    const link = await newestAddressLink(user.email);
    await env.DB.prepare("UPDATE tokens SET expires_at = ? WHERE id = ?")
      .bind(Date.now() - 1, sha256HexIndependent(link.searchParams.get("token") ?? ""))
      .run();
    const { page, response } = await openAndConfirm(link);
    expect(page.response.status).toBe(400);
    expect(response.status).toBe(400);
    expect(await confirmedAt(user.email)).toBeNull();
  });

  it("without the CSRF token: 403 and nothing confirmed, the link still live", async () => {
    const user = await register();
    const link = await newestAddressLink(user.email);
    const browser = new TestBrowser();
    await browser.get(pathOf(link));
    const { response } = await browser.post(pathOf(link), { token: link.searchParams.get("token") ?? "", csrf: "x" });
    expect(response.status).toBe(403);
    expect(await confirmedAt(user.email)).toBeNull();
    expect((await new TestBrowser().get(pathOf(link))).response.status).toBe(200);
  });

  it("two posts of one link at once: one confirms, the other is told the link is spent; never a 500", async () => {
    const user = await register();
    const link = await newestAddressLink(user.email);
    const [a, b] = await Promise.all([openAndConfirm(link), openAndConfirm(link)]);
    expect([a.response.status, b.response.status].sort()).toEqual([303, 400]);
  });
});

describe("Send the link again", () => {
  it('sends a new link (the older one void) with the flash "We have sent you a new link." back on the page it came from', async () => {
    const user = await register();
    const browser = await signedIn(user);
    const first = await newestAddressLink(user.email);
    await browser.get("/account/");
    const { response } = await browser.post("/verify-email/send/", { next: "/account/" });
    expect(response.status).toBe(303);
    expect(response.headers.get("Location")).toBe("/account/");
    expect(textOf((await browser.get("/account/")).html)).toContain(serverMessages.confirmationLinkSent);
    const links = await addressLinksTo(user.email, CONFIRM);
    expect(links).toHaveLength(2);
    expect((await new TestBrowser().get(pathOf(first))).response.status).toBe(400);
    expect((await openAndConfirm(new URL(links[1] ?? ""))).response.status).toBe(303);
  });

  it("at most 3 an hour (keyed on the account), even with the per-IP limit off; the hour slides", async () => {
    const user = await register();
    const { browser: plain } = await signedInBrowser(user);
    const browser = new TestBrowser({ bindings: { ...env, RATE_LIMITS: "off" } });
    browser.cookies = plain.cookies;
    await browser.get("/dash/");
    for (let i = 0; i < 4; i++) {
      const { response } = await browser.post("/verify-email/send/", { next: "/dash/" });
      expect(response.status).toBe(303);
      expect(response.headers.get("Location")).toBe("/dash/");
      const shown = textOf((await browser.get("/dash/")).html);
      expect(shown).toContain(i < 3 ? serverMessages.confirmationLinkSent : serverMessages.tooManyLinks);
    }
    // Registration's link and 3 more.
    expect(await addressLinksTo(user.email, CONFIRM)).toHaveLength(4);
    const { id } = (await userByEmail(user.email)) ?? { id: 0 };
    const key = sha256HexIndependent(`account:${id}`);
    const sent = await emailsCounted(key, "verify_email");
    expect(sent).toHaveLength(3);
    await env.DB.prepare("UPDATE email_sends SET sent_at = ? WHERE key = ? AND sent_at = ?")
      .bind(Date.now() - HOUR - 1, key, sent[0] ?? 0)
      .run();
    await browser.post("/verify-email/send/", { next: "/dash/" });
    expect(textOf((await browser.get("/dash/")).html)).toContain(serverMessages.confirmationLinkSent);
  });

  it("a confirmed address gets no new link; signed out, the button leads to the login page", async () => {
    const user = await register();
    await openAndConfirm(await newestAddressLink(user.email));
    const browser = await signedIn(user);
    await browser.post("/verify-email/send/", { next: "/dash/" });
    expect(await addressLinksTo(user.email, CONFIRM)).toHaveLength(1);
    const anonymous = new TestBrowser();
    await anonymous.get("/login/");
    const { response } = await anonymous.post("/verify-email/send/", {});
    expect(response.status).toBe(303);
    expect(response.headers.get("Location")).toMatch(/^\/login\//);
  });
});

describe("other ways an address is (or is not) confirmed", () => {
  it("an imported user (a row as users:import writes it) starts unconfirmed and sees the banner", async () => {
    const vector = WERKZEUG_3_VECTORS.find((v) => v.method === "scrypt:1024:8:1") ?? expect.fail("no vector");
    const email = newUser().email ?? "";
    await createUser({ email, passwordHash: vector.hash });
    expect(await confirmedAt(email)).toBeNull();
    const { browser } = await signedInBrowser({ email, password: vector.password });
    expect(textOf((await browser.get("/dash/")).html)).toContain("Your email address is not confirmed.");
  });

  it("completing a password reset from an emailed link confirms the address", async () => {
    const user = await register();
    const link = await askForResetLink(user.email);
    const browser = new TestBrowser({ awaitBackgroundWork: true });
    await browser.get(pathOf(link));
    const password = "a fresh passphrase here";
    const { response } = await browser.post(pathOf(link), {
      token: link.searchParams.get("token") ?? "",
      password,
      confirm_password: password,
    });
    expect(response.status).toBe(303);
    expect(await confirmedAt(user.email)).not.toBeNull();
  });

  it("a confirmation link for an address the account no longer has confirms nothing", async () => {
    const user = await register();
    const oldLink = await newestAddressLink(user.email);
    const { next } = await askedToChange(user);
    await openAndConfirm(await newestAddressLink(next, CONFIRM_NEW));
    // The change confirmed the new address; set it back to unconfirmed to see what the old link does.
    await env.DB.prepare("UPDATE users SET email_confirmed_at = NULL WHERE email = ?").bind(next).run();
    const { page, response } = await openAndConfirm(oldLink);
    expect(page.response.status).toBe(400);
    expect(response.status).toBe(400);
    expect(await confirmedAt(next)).toBeNull();
  });
});

describe("/account/email/", () => {
  it("signed out: the login page, and back here after", async () => {
    const { response } = await new TestBrowser().get("/account/email/");
    expect(response.status).toBe(303);
    expect(response.headers.get("Location")).toBe(`/login/?next=${encodeURIComponent("/account/email/")}`);
  });

  it('behind "confirm it\'s you": a session last confirmed over 10 minutes ago is sent to /account/confirm/, and a POST changes nothing', async () => {
    const user = await register();
    const browser = await signedIn(user);
    await browser.get("/account/email/");
    await env.DB.prepare("UPDATE sessions SET confirmed_at = ? WHERE user_id = (SELECT id FROM users WHERE email = ?)")
      .bind(Date.now() - 11 * 60 * 1000, user.email)
      .run();
    const page = await browser.get("/account/email/");
    expect(page.response.status).toBe(303);
    expect(page.response.headers.get("Location")).toBe(
      `/account/confirm/?next=${encodeURIComponent("/account/email/")}`,
    );
    const next = newUser().email ?? "";
    const { response } = await browser.post("/account/email/", { email: next });
    expect(response.status).toBe(303);
    expect(response.headers.get("Location")).toMatch(/^\/account\/confirm\//);
    expect(await tokensOf(user.email, "change_email")).toEqual([]);
    expect(await mailTo(next, CONFIRM_NEW)).toEqual({ texts: [], htmls: [] });
  });

  it('GET: the current address, New email and "Send confirmation link"; the account page links here', async () => {
    const user = await register();
    const browser = await signedIn(user);
    const account = await browser.get("/account/");
    expect((await select(account.html, "main a")).map((a) => a.attrs.href)).toContain("/account/email/");
    const { response, html } = await browser.get("/account/email/");
    expect(response.status).toBe(200);
    expect(textOf(html)).toContain(user.email);
    const inputs = await visibleInputs(html);
    expect(inputs.map((i) => [i.attrs.name, i.attrs.type, i.attrs.autocomplete])).toEqual([
      ["email", "email", "email"],
    ]);
    expect((await selectOne(html, "main form button")).text).toBe("Send confirmation link");
    expect((await selectOne(html, "main form")).attrs.action).toBe("/account/email/");
  });

  it.each([
    ["empty", "", messages.emailRequired],
    ["not an address", "not-an-address", messages.emailInvalid],
    ["the current one", "CURRENT", serverMessages.emailUnchanged],
    ["another account's", "OTHER", messages.emailTaken],
  ])("%s: 400 beside the field, the typed value kept, nothing sent or stored", async (_case, typed, message) => {
    const user = await register();
    const other = await register();
    const browser = await signedIn(user);
    const email = typed === "CURRENT" ? ` ${user.email.toUpperCase()} ` : typed === "OTHER" ? other.email : typed;
    const { response, html } = await changeAddress(browser, email);
    expect(response.status).toBe(400);
    expect(textOf(html)).toContain(message);
    expect((await selectOne(html, 'main input[name="email"]')).attrs.value ?? "").toBe(email);
    expect(await tokensOf(user.email, "change_email")).toEqual([]);
    expect(await mailTo(other.email, CONFIRM_NEW)).toEqual({ texts: [], htmls: [] });
  });

  it("success: nothing changes yet; a 1-hour link goes to the NEW address, the flash names it, 303 to /account/", async () => {
    const user = await register(newUser({ first_name: "Ada" }));
    const browser = await signedIn(user);
    const next = newUser().email ?? "";
    const { response } = await changeAddress(browser, next.toUpperCase());
    expect(response.status).toBe(303);
    expect(response.headers.get("Location")).toBe("/account/");
    expect(textOf((await browser.get("/account/")).html)).toContain(serverMessages.changeLinkSent(next));
    expect((await userByEmail(user.email))?.email).toBe(user.email);
    expect(await userByEmail(next)).toBeNull();
    const { texts } = await mailTo(next, CONFIRM_NEW);
    expect(texts).toHaveLength(1);
    expect(texts[0]).toContain("Hello Ada,");
    expect(texts[0]).toContain("60 minutes");
    const link = await newestAddressLink(next, CONFIRM_NEW);
    expect(link.origin).toBe(env.APP_ORIGIN);
    expect(link.pathname).toBe("/verify-email/");
    const [row] = await tokensOf(user.email, "change_email");
    expect(row?.data).toBe(next);
    expect((row?.expires_at ?? 0) - (row?.created_at ?? 0)).toBe(HOUR);
    expect(await mailTo(user.email, CHANGED)).toEqual({ texts: [], htmls: [] });
  });

  it("opening the link changes the address (confirmed), keeps every session, and tells the OLD address, with device and place", async () => {
    const user = await register(newUser({ first_name: "Ada" }));
    await openAndConfirm(await newestAddressLink(user.email));
    const browser = await signedIn(user);
    const { browser: otherDevice } = await signedInBrowser(user);
    const next = newUser().email ?? "";
    await changeAddress(browser, next);
    const link = await newestAddressLink(next, CONFIRM_NEW);
    const opener = new TestBrowser({ awaitBackgroundWork: true });
    const page = await opener.get(pathOf(link));
    expect(page.response.status).toBe(200);
    expect(textOf(page.html)).toContain(next);
    expect((await userByEmail(user.email))?.email).toBe(user.email);
    const init = {
      headers: {
        "User-Agent": "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0",
      },
      cf: { city: "Lyon", country: "FR" },
    } as RequestInit;
    const { response } = await opener.post(pathOf(link), { token: link.searchParams.get("token") ?? "" }, init);
    expect(response.status).toBe(303);
    expect(response.headers.get("Location")).toBe("/login/");
    const changed = await userByEmail(next);
    expect(changed).not.toBeNull();
    expect(await userByEmail(user.email)).toBeNull();
    expect(await confirmedAt(next)).not.toBeNull();
    for (const b of [browser, otherDevice]) expect((await b.get("/dash/")).response.status).toBe(200);

    const { texts, htmls } = await mailTo(user.email, CHANGED);
    expect(texts).toHaveLength(1);
    const [text = "", html = ""] = [texts[0], htmls[0]];
    expect(text).toContain("Hello Ada,");
    expect(text).toMatch(/When: \d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC/);
    expect(text).toContain("Device: Firefox on Linux");
    expect(text).toContain("Place: Lyon, France");
    expect(text).toContain(`${env.APP_ORIGIN}/account/`);
    const hrefs = [...html.matchAll(/href="([^"]+)"/g)].map((m) => m[1]);
    expect(hrefs.sort()).toEqual([`${env.APP_ORIGIN}/account/`, `${env.APP_ORIGIN}/forgot-password/`]);
    expect(await mailTo(next, CHANGED)).toEqual({ texts: [], htmls: [] });

    // The new address signs in; the old one no longer does.
    const login = new TestBrowser();
    await login.get("/login/");
    expect((await login.post("/login/", { email: user.email, password: user.password ?? "" })).response.status).toBe(
      400,
    );
    expect((await login.post("/login/", { email: next, password: user.password ?? "" })).response.status).toBe(303);
  });

  it("the link works once", async () => {
    const user = await register();
    const { next } = await askedToChange(user);
    const link = await newestAddressLink(next, CONFIRM_NEW);
    expect((await openAndConfirm(link)).response.status).toBe(303);
    const again = await openAndConfirm(link);
    expect(again.response.status).toBe(400);
    expect(textOf(again.html)).toContain(messages.resetLinkInvalid);
    expect(await mailTo(user.email, CHANGED).then((m) => m.texts)).toHaveLength(1);
  });

  it("an expired link (over an hour) changes nothing", async () => {
    const user = await register();
    const { next } = await askedToChange(user);
    const link = await newestAddressLink(next, CONFIRM_NEW);
    await env.DB.prepare("UPDATE tokens SET expires_at = ? WHERE id = ?")
      .bind(Date.now() - 1, sha256HexIndependent(link.searchParams.get("token") ?? ""))
      .run();
    expect((await openAndConfirm(link)).response.status).toBe(400);
    expect((await userByEmail(user.email))?.email).toBe(user.email);
    expect(await mailTo(user.email, CHANGED)).toEqual({ texts: [], htmls: [] });
  });

  it('the address taken by someone else before the link is opened: 400 "That email address is already registered", nothing changed, no notice', async () => {
    const user = await register();
    const { next } = await askedToChange(user);
    const link = await newestAddressLink(next, CONFIRM_NEW);
    await register(newUser({ email: next }));
    const { response, html } = await openAndConfirm(link);
    expect(response.status).toBe(400);
    expect(textOf(html)).toContain(messages.emailTaken);
    expect((await userByEmail(user.email))?.email).toBe(user.email);
    expect(await mailTo(user.email, CHANGED)).toEqual({ texts: [], htmls: [] });
  });

  it("two accounts racing for one address with truly concurrent requests: exactly one wins, the other gets 400, never a 500", async () => {
    const contested = newUser().email ?? "";
    const links: URL[] = [];
    const racers = [await register(), await register()];
    for (const racer of racers) {
      await changeAddress(await signedIn(racer), contested);
      links.push(await newestAddressLink(contested, CONFIRM_NEW));
    }
    const browsers = await Promise.all(
      links.map(async (link) => {
        const b = new TestBrowser({ awaitBackgroundWork: true });
        await b.get(pathOf(link));
        return b;
      }),
    );
    const answers = await Promise.all(
      links.map((link, i) => browsers[i]?.post(pathOf(link), { token: link.searchParams.get("token") ?? "" })),
    );
    expect(answers.map((a) => a?.response.status).sort()).toEqual([303, 400]);
    const loser = answers.find((a) => a?.response.status === 400);
    expect(textOf(loser?.html ?? "")).toContain(messages.emailTaken);
    const holders = await env.DB.prepare("SELECT count(*) AS n FROM users WHERE email = ?").bind(contested).first();
    expect(holders).toEqual({ n: 1 });
    const stayed = await Promise.all(racers.map((r) => userByEmail(r.email)));
    expect(stayed.filter((row) => row === null)).toHaveLength(1);
  });

  it("a newer change link voids the older one", async () => {
    const user = await register();
    const browser = await signedIn(user);
    const [first, second] = [newUser().email ?? "", newUser().email ?? ""];
    await changeAddress(browser, first);
    await changeAddress(browser, second);
    expect((await openAndConfirm(await newestAddressLink(first, CONFIRM_NEW))).response.status).toBe(400);
    expect((await openAndConfirm(await newestAddressLink(second, CONFIRM_NEW))).response.status).toBe(303);
    expect(await userByEmail(second)).not.toBeNull();
  });

  it("at most 3 change links an hour per account, whatever addresses they go to (429, nothing sent)", async () => {
    const user = await register();
    const browser = await signedIn(user);
    const targets = Array.from({ length: 4 }, () => newUser().email ?? "");
    const statuses: number[] = [];
    for (const target of targets) statuses.push((await changeAddress(browser, target)).response.status);
    expect(statuses).toEqual([303, 303, 303, 429]);
    const last = await changeAddress(browser, newUser().email ?? "");
    expect(textOf(last.html)).toContain(serverMessages.tooManyLinks);
    expect(await mailTo(targets[3] ?? "", CONFIRM_NEW)).toEqual({ texts: [], htmls: [] });
  });

  it("a reset link sent to the old address dies with the change", async () => {
    const user = await register();
    const reset = await askForResetLink(user.email);
    const { next } = await askedToChange(user);
    await openAndConfirm(await newestAddressLink(next, CONFIRM_NEW));
    expect((await new TestBrowser().get(pathOf(reset))).response.status).toBe(400);
  });

  it("without the CSRF token: 403, nothing sent", async () => {
    const user = await register();
    const browser = await signedIn(user);
    const next = newUser().email ?? "";
    await browser.get("/account/email/");
    const { response } = await browser.post("/account/email/", { email: next, csrf: "forged" });
    expect(response.status).toBe(403);
    expect(await mailTo(next, CONFIRM_NEW)).toEqual({ texts: [], htmls: [] });
  });
});

describe("no email where none is due", () => {
  it("logging in, saving the profile and confirming the address send nothing further", async () => {
    const user = await register();
    const browser = await signedIn(user);
    await browser.get("/account/");
    await browser.post("/account/", { first_name: "New", last_name: "Name" });
    await openAndConfirm(await newestAddressLink(user.email), browser);
    const { texts } = await mailTo(user.email);
    expect(texts).toHaveLength(1); // the confirmation link from registration, and nothing else
  });
});
