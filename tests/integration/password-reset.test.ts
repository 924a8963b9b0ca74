// docs/product.md "Forgot password": the link on the login page, /forgot-password/ (the same answer for every
// address), the email, and /reset-password/ (a live link sets a new password once; anything else
// is "This link is invalid or has expired."). Emails are read back from what the simulated
// send_email binding wrote (tests/setup/mailbox.ts); requests that send one wait for it.
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { messages } from "~/messages";
import {
  type Fields,
  newUser,
  ORIGIN,
  registerThroughForm,
  signedInBrowser,
  TestBrowser,
  textOf,
} from "../helpers/browser";
import { sha256HexIndependent } from "../helpers/cookies";
import { resetTokensOf, sessionsOf, userByEmail } from "../helpers/db";
import { select, selectOne, visibleInputs } from "../helpers/html";
import { mailTo, newestResetLink, resetLinksTo } from "../helpers/mailbox";

const NEW_PASSWORD = "a brand new passphrase";

/** Asks for a reset link for `email` from a fresh browser; returns once any email has been sent. */
async function requestLink(email: string) {
  const browser = new TestBrowser({ awaitBackgroundWork: true });
  await browser.get("/forgot-password/");
  return browser.post("/forgot-password/", { email });
}

/** Opens a reset link (its path and query, on this test's origin) in a browser of its own. */
async function openLink(link: URL, browser = new TestBrowser({ awaitBackgroundWork: true })) {
  return { browser, ...(await browser.get(`${link.pathname}${link.search}`)) };
}

function tokenOf(link: URL): string {
  return link.searchParams.get("token") ?? "";
}

async function setNewPassword(link: URL, fields: Fields = { password: NEW_PASSWORD, confirm_password: NEW_PASSWORD }) {
  const { browser } = await openLink(link);
  // A dead link's page has no form (and so no CSRF token): take one from another page, as a tab would.
  if (!browser.csrf) await browser.get("/forgot-password/");
  return { browser, ...(await browser.post(link.pathname + link.search, { token: tokenOf(link), ...fields })) };
}

async function canLogIn(email: string, password: string): Promise<boolean> {
  const browser = new TestBrowser();
  await browser.get("/login/");
  return (await browser.post("/login/", { email, password })).response.status === 303;
}

async function invalidLinkPage(html: string) {
  expect(textOf(html)).toContain(messages.resetLinkInvalid);
  const links = await select(html, "main a");
  expect(links.map((a) => a.attrs.href)).toContain("/forgot-password/");
  expect(await select(html, 'main input[name="password"]')).toEqual([]);
}

let user: Fields;

beforeAll(async () => {
  user = await registerThroughForm(newUser({ first_name: "Grace", last_name: "Hopper" }));
});

describe("the way in", () => {
  it('the login page links "Forgot your password?" to /forgot-password/', async () => {
    const { html } = await new TestBrowser().get("/login/");
    const link = (await select(html, "main a")).find((a) => a.text === "Forgot your password?");
    expect(link?.attrs.href).toBe("/forgot-password/");
  });

  it('GET /forgot-password/: an Email field and a "Send reset link" button, posting to /forgot-password/ with CSRF', async () => {
    const { response, html } = await new TestBrowser().get("/forgot-password/");
    expect(response.status).toBe(200);
    const inputs = await visibleInputs(html);
    expect(inputs.map((input) => [input.attrs.name, input.attrs.type])).toEqual([["email", "email"]]);
    expect((await selectOne(html, "main form button")).text).toBe("Send reset link");
    expect((await selectOne(html, "main form")).attrs.action).toBe("/forgot-password/");
    expect(await select(html, 'main form input[name="csrf"]')).toHaveLength(1);
  });

  it("a signed-in user may use it", async () => {
    const { browser } = await signedInBrowser(user);
    expect((await browser.get("/forgot-password/")).response.status).toBe(200);
  });

  it("/forgot-password (no slash) leads to the slashed form", async () => {
    const response = await new TestBrowser().fetch("/forgot-password");
    expect(response.headers.get("Location")).toBe("http://localhost/forgot-password/");
  });
});

describe("POST /forgot-password/", () => {
  it("known and unknown addresses get the same status and page; only the known one gets an email", async () => {
    const unknownEmail = newUser().email ?? "";
    const known = await requestLink(user.email ?? "");
    const unknown = await requestLink(unknownEmail);
    expect(known.response.status).toBe(200);
    expect(unknown.response.status).toBe(200);
    expect(textOf(known.html)).toContain(messages.resetLinkSent);
    const normalise = (html: string, typed: string) => textOf(html).replaceAll(typed, "EMAIL");
    expect(normalise(known.html, user.email ?? "")).toBe(normalise(unknown.html, unknownEmail));
    expect((await selectOne(known.html, 'main [role="status"]')).text).toBe(messages.resetLinkSent);
    expect(await resetLinksTo(user.email ?? "")).not.toEqual([]);
    expect(await mailTo(unknownEmail)).toEqual({ texts: [], htmls: [] });
  });

  it("normalises the address as registration does (case, spaces)", async () => {
    const own = await registerThroughForm();
    await requestLink(`  ${(own.email ?? "").toUpperCase()} `);
    expect(await resetLinksTo(own.email ?? "")).toHaveLength(1);
  });

  it.each([
    ["", messages.emailRequired],
    ["not-an-address", messages.emailInvalid],
  ])("email %j: 400 with the message beside the field, nothing sent", async (email, message) => {
    const { response, html } = await requestLink(email);
    expect(response.status).toBe(400);
    expect(textOf(html)).toContain(message);
    expect(textOf(html)).not.toContain(messages.resetLinkSent);
  });

  it("without the CSRF token: 403 and no email", async () => {
    const own = await registerThroughForm();
    const browser = new TestBrowser({ awaitBackgroundWork: true });
    await browser.get("/forgot-password/");
    const { response } = await browser.post("/forgot-password/", { email: own.email ?? "", csrf: "forged" });
    expect(response.status).toBe(403);
    expect(await mailTo(own.email ?? "", "Reset your password")).toEqual({ texts: [], htmls: [] });
  });
});

describe('the "Reset your password" email', () => {
  it("goes to the address from MAIL_FROM, in text and HTML, with the product, the link on APP_ORIGIN, its expiry and the ignore line", async () => {
    const own = await registerThroughForm();
    await requestLink(own.email ?? "");
    const { texts, htmls } = await mailTo(own.email ?? "", "Reset your password");
    expect(texts).toHaveLength(1);
    expect(htmls).toHaveLength(1);
    const [text = "", html = ""] = [texts[0], htmls[0]];
    const link = await newestResetLink(own.email ?? "");
    expect(link.origin).toBe(env.APP_ORIGIN);
    expect(link.pathname).toBe("/reset-password/");
    for (const part of [text, html]) {
      expect(part).toContain("Edge Auth");
      expect(part).toContain(link.href);
      expect(part).toContain("30 minutes");
      expect(part.replaceAll("&#39;", "'")).toContain("If you didn't ask for this, ignore this email");
    }
    expect(html).toContain(`href="${link.href}"`);
  });

  it("the token has at least 256 bits and D1 keeps only its SHA-256", async () => {
    const own = await registerThroughForm();
    await requestLink(own.email ?? "");
    const token = tokenOf(await newestResetLink(own.email ?? ""));
    expect(token).toMatch(/^[A-Za-z0-9_-]{43,}$/); // 43 base64url characters: 258 bits of room, 256 random.
    const rows = await resetTokensOf(own.email ?? "");
    expect(rows.map((row) => row.id)).toEqual([sha256HexIndependent(token)]);
    const everything = JSON.stringify((await env.DB.prepare("SELECT * FROM tokens").all()).results);
    expect(everything).not.toContain(token);
    const [row] = rows;
    expect((row?.expires_at ?? 0) - (row?.created_at ?? 0)).toBe(30 * 60 * 1000);
  });
});

describe("GET /reset-password/", () => {
  it('a live link: New password and Confirm new password, the token in a hidden field, "Set new password"', async () => {
    const own = await registerThroughForm();
    await requestLink(own.email ?? "");
    const link = await newestResetLink(own.email ?? "");
    const { response, html } = await openLink(link);
    expect(response.status).toBe(200);
    const inputs = await visibleInputs(html);
    expect(inputs.map((input) => [input.attrs.name, input.attrs.type, input.attrs.autocomplete])).toEqual([
      ["password", "password", "new-password"],
      ["confirm_password", "password", "new-password"],
    ]);
    expect((await selectOne(html, 'main input[name="token"]')).attrs).toMatchObject({
      type: "hidden",
      value: tokenOf(link),
    });
    expect((await selectOne(html, "main form button")).text).toBe("Set new password");
    expect((await selectOne(html, "main form")).attrs.action).toMatch(/^\/reset-password\/\?token=/);
  });

  it.each([
    ["missing", "/reset-password/"],
    ["empty", "/reset-password/?token="],
    ["too short", "/reset-password/?token=abc"],
    ["the right length, not base64url", `/reset-password/?token=${"%24".repeat(43)}`],
    ["unknown", `/reset-password/?token=${"A".repeat(43)}`],
    ["far too long", `/reset-password/?token=${"A".repeat(5000)}`],
    ["given twice, both unknown", `/reset-password/?token=${"A".repeat(43)}&token=${"B".repeat(43)}`],
  ])('a %s token: 400 "This link is invalid or has expired." and a link to /forgot-password/', async (_case, path) => {
    const { response, html } = await new TestBrowser().get(path);
    expect(response.status).toBe(400);
    await invalidLinkPage(html);
  });

  it("an expired link (over 30 minutes old) is invalid", async () => {
    const own = await registerThroughForm();
    await requestLink(own.email ?? "");
    const link = await newestResetLink(own.email ?? "");
    await env.DB.prepare("UPDATE tokens SET expires_at = ? WHERE id = ?")
      .bind(Date.now() - 1, sha256HexIndependent(tokenOf(link)))
      .run();
    const { response, html } = await openLink(link);
    expect(response.status).toBe(400);
    await invalidLinkPage(html);
    const posted = await setNewPassword(link);
    expect(posted.response.status).toBe(400);
    expect(await canLogIn(own.email ?? "", NEW_PASSWORD)).toBe(false);
  });

  it("a newer link voids the older one", async () => {
    const own = await registerThroughForm();
    await requestLink(own.email ?? "");
    await requestLink(own.email ?? "");
    const [older, newer] = (await resetLinksTo(own.email ?? "")).map((link) => new URL(link));
    if (!older || !newer) throw new Error("two links expected");
    expect(older.href).not.toBe(newer.href);
    expect((await openLink(older)).response.status).toBe(400);
    expect((await setNewPassword(older)).response.status).toBe(400);
    expect((await openLink(newer)).response.status).toBe(200);
    expect(await resetTokensOf(own.email ?? "")).toHaveLength(1);
  });
});

describe("POST /reset-password/", () => {
  it("sets the new password (argon2id), spends the link, signs every session out, clears the failure count, then 303 to /login/ with the flash", async () => {
    const own = await registerThroughForm();
    const email = own.email ?? "";
    const { browser: signedIn } = await signedInBrowser(own);
    const { browser: alsoSignedIn } = await signedInBrowser(own);
    expect(await sessionsOf(email)).toHaveLength(2);
    await canLogIn(email, "a wrong password"); // one failed login on the per-account counter
    const failureKey = sha256HexIndependent(email);
    const counted = () =>
      env.DB.prepare("SELECT attempts FROM sign_in_attempts WHERE account_key = ?").bind(failureKey).first();
    expect(await counted()).not.toBeNull();

    await requestLink(email);
    const link = await newestResetLink(email);
    const { browser, response } = await setNewPassword(link);
    expect(response.status).toBe(303);
    expect(response.headers.get("Location")).toBe("/login/");
    const { html } = await browser.get("/login/");
    expect(textOf(html)).toContain(messages.passwordWasReset);
    expect(textOf((await browser.get("/login/")).html)).not.toContain(messages.passwordWasReset);

    expect((await userByEmail(email))?.password_hash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(await sessionsOf(email)).toEqual([]);
    for (const old of [signedIn, alsoSignedIn]) {
      const dash = await old.get("/dash/");
      expect(dash.response.status).toBe(303);
      expect(dash.response.headers.get("Location")).toMatch(/^\/login\//);
    }
    expect(await counted()).toBeNull();
    expect(await resetTokensOf(email)).toEqual([]);
    expect(await canLogIn(email, own.password ?? "")).toBe(false);
    expect(await canLogIn(email, NEW_PASSWORD)).toBe(true);
  });

  it('then "Your password was changed" goes to the account\'s address', async () => {
    const own = await registerThroughForm(newUser({ first_name: "Katherine" }));
    await requestLink(own.email ?? "");
    await setNewPassword(await newestResetLink(own.email ?? ""));
    const { texts, htmls } = await mailTo(own.email ?? "");
    const notice = texts.find((text) => text.includes("was changed"));
    expect(notice).toContain("Hello Katherine,");
    expect(notice).toContain(`${env.APP_ORIGIN}/forgot-password/`);
    expect(htmls.some((html) => html.includes("<title>Your password was changed</title>"))).toBe(true);
  });

  it("the link works once: used again, it is invalid and changes nothing", async () => {
    const own = await registerThroughForm();
    await requestLink(own.email ?? "");
    const link = await newestResetLink(own.email ?? "");
    expect((await setNewPassword(link)).response.status).toBe(303);
    const hashAfterFirst = (await userByEmail(own.email ?? ""))?.password_hash;
    expect((await openLink(link)).response.status).toBe(400);
    const again = await setNewPassword(link, {
      password: "yet another passphrase",
      confirm_password: "yet another passphrase",
    });
    expect(again.response.status).toBe(400);
    await invalidLinkPage(again.html);
    expect((await userByEmail(own.email ?? ""))?.password_hash).toBe(hashAfterFirst);
  });

  it("two posts of one link at once: exactly one sets the password", async () => {
    const own = await registerThroughForm();
    await requestLink(own.email ?? "");
    const link = await newestResetLink(own.email ?? "");
    const [first, second] = await Promise.all([
      setNewPassword(link, { password: "first of the twins", confirm_password: "first of the twins" }),
      setNewPassword(link, { password: "second of the twins", confirm_password: "second of the twins" }),
    ]);
    expect([first.response.status, second.response.status].sort()).toEqual([303, 400]);
  });

  it.each([
    ["too short", { password: "short", confirm_password: "short" }, "password", messages.passwordTooShort],
    [
      "not confirmed",
      { password: NEW_PASSWORD, confirm_password: "something else" },
      "confirm_password",
      messages.passwordsMustMatch,
    ],
    [
      "too common",
      { password: "password123", confirm_password: "password123" },
      "password",
      messages.passwordTooCommon,
    ],
    ["missing", {}, "password", messages.passwordRequired],
  ])(
    "a new password %s: 400 beside the field, the link still live, nothing written",
    async (_case, fields, field, message) => {
      const own = await registerThroughForm();
      await requestLink(own.email ?? "");
      const link = await newestResetLink(own.email ?? "");
      const { browser: signedIn } = await signedInBrowser(own);
      const before = await userByEmail(own.email ?? "");
      const { response, html } = await setNewPassword(link, fields);
      expect(response.status).toBe(400);
      const input = await selectOne(html, `main input[name="${field}"]`);
      expect(input.attrs["aria-invalid"]).toBe("true");
      expect(textOf(html)).toContain(message);
      expect((await selectOne(html, 'main input[name="token"]')).attrs.value).toBe(tokenOf(link));
      expect(await userByEmail(own.email ?? "")).toEqual(before);
      expect((await signedIn.get("/dash/")).response.status).toBe(200);
      expect((await openLink(link)).response.status).toBe(200);
    },
  );

  it("the policy knows whose password it is: one containing the email name is refused", async () => {
    const own = await registerThroughForm(newUser({ email: `marguerite${Date.now()}@example.com` }));
    await requestLink(own.email ?? "");
    const name = (own.email ?? "").split("@")[0] ?? "";
    const { response, html } = await setNewPassword(await newestResetLink(own.email ?? ""), {
      password: `${name}!!`,
      confirm_password: `${name}!!`,
    });
    expect(response.status).toBe(400);
    expect(textOf(html)).toContain(messages.passwordContainsEmail);
  });

  it("a forged or missing token in the form: 400, the invalid-link page, nothing written", async () => {
    const own = await registerThroughForm();
    await requestLink(own.email ?? "");
    const link = await newestResetLink(own.email ?? "");
    const before = await userByEmail(own.email ?? "");
    const { browser } = await openLink(link);
    for (const token of [undefined, "", "A".repeat(43), `${tokenOf(link)}x`]) {
      const fields: Fields = { password: NEW_PASSWORD, confirm_password: NEW_PASSWORD };
      if (token !== undefined) fields.token = token;
      const { response, html } = await browser.post("/reset-password/", fields);
      expect(response.status).toBe(400);
      await invalidLinkPage(html);
    }
    expect(await userByEmail(own.email ?? "")).toEqual(before);
  });

  it("without the CSRF token: 403, nothing changed, the link still live", async () => {
    const own = await registerThroughForm();
    await requestLink(own.email ?? "");
    const link = await newestResetLink(own.email ?? "");
    const { browser } = await openLink(link);
    const { response } = await browser.post("/reset-password/", {
      csrf: "forged",
      token: tokenOf(link),
      password: NEW_PASSWORD,
      confirm_password: NEW_PASSWORD,
    });
    expect(response.status).toBe(403);
    expect(await canLogIn(own.email ?? "", own.password ?? "")).toBe(true);
    expect((await openLink(link)).response.status).toBe(200);
  });
});

describe("the token in the URL", () => {
  it.each(["/forgot-password/", "/reset-password/", `/reset-password/?token=${"A".repeat(43)}`])(
    "%s answers with Referrer-Policy: no-referrer and Cache-Control: no-store",
    async (path) => {
      const response = await new TestBrowser().fetch(path);
      expect(response.headers.get("Referrer-Policy")).toBe("no-referrer");
      expect(response.headers.get("Cache-Control")).toBe("no-store");
    },
  );

  it("so do a live link's page and the answers to both POSTs", async () => {
    const own = await registerThroughForm();
    const requested = await requestLink(own.email ?? "");
    const link = await newestResetLink(own.email ?? "");
    const { response: page } = await openLink(link);
    const { response: posted } = await setNewPassword(link, { password: "short", confirm_password: "short" });
    for (const response of [requested.response, page, posted]) {
      expect(response.headers.get("Referrer-Policy")).toBe("no-referrer");
      expect(response.headers.get("Cache-Control")).toBe("no-store");
    }
  });

  it("other pages keep the site-wide referrer policy", async () => {
    const response = await new TestBrowser().fetch("/login/");
    expect(response.headers.get("Referrer-Policy")).toBe("strict-origin-when-cross-origin");
    expect(ORIGIN).toBe(env.APP_ORIGIN);
  });
});
