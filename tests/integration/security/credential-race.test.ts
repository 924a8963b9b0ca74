// docs/product.md "A credential change wins every race": a password reset or change voids every
// outstanding reset link and throttle count, and a login that checked the OLD password while the
// change was happening opens no session and never writes the old password back (the rehash of an
// old-format hash at login is the write that could). The change and the logins are sent truly at
// once (Promise.all over the worker's fetch), in several rounds, with a stored hash that is slow to
// verify and due for an upgrade, so each login's check overlaps the change.
import { createExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import type { AppLoadContext } from "@remix-run/cloudflare";
import { describe, expect, it } from "vitest";
import { completeSignIn } from "~/auth/sign-in.server";
import { messages } from "~/messages";
import { type Fields, ORIGIN, registerThroughForm, signedInBrowser, TestBrowser } from "../../helpers/browser";
import { CURRENT_SECRET, SESSION_COOKIE, sha256HexIndependent, signSessionCookie } from "../../helpers/cookies";
import { sessionsOf, userByEmail } from "../../helpers/db";
import { askForResetLink } from "../../helpers/mailbox";
import { nodeHash, nodeVerify } from "../../helpers/node-argon2";

const ROUNDS = 3;
const LOGINS = 4;

/** An argon2id hash of `password` with older, slower parameters than today's: due for a rehash at login. */
async function oldFormatHash(password: string): Promise<string> {
  return (await nodeHash({ password, memoryCost: 19456, timeCost: 6 })).hash;
}

async function setStoredHash(email: string, hash: string) {
  await env.DB.prepare("UPDATE users SET password_hash = ? WHERE email = ?").bind(hash, email).run();
}

async function loginBrowsers(): Promise<TestBrowser[]> {
  const browsers = Array.from({ length: LOGINS }, () => new TestBrowser());
  for (const browser of browsers) await browser.get("/login/");
  return browsers;
}

/** The login browsers that are signed in now (a page that needs it answers 200). */
async function stillSignedIn(browsers: TestBrowser[]): Promise<number> {
  let count = 0;
  for (const browser of browsers) if ((await browser.get("/dash/")).response.status === 200) count += 1;
  return count;
}

async function expectOnlyPassword(email: string, current: string, old: string) {
  const stored = (await userByEmail(email))?.password_hash ?? "";
  expect((await nodeVerify(stored, current)).valid).toBe(true);
  expect((await nodeVerify(stored, old)).valid).toBe(false);
}

/** The owner changes the password on the account page (current password given); the answer's status. */
async function changePasswordOnAccountPage(browser: TestBrowser, current: string): Promise<number> {
  await browser.get("/account/password/");
  const changed: Fields = {
    current_password: current,
    password: "owner's new one",
    confirm_password: "owner's new one",
  };
  return (await browser.post("/account/password/", changed)).response.status;
}

describe("a password reset sent together with logins using the old password", () => {
  it(`no old-password session survives and the old hash is never written back (${ROUNDS} rounds of ${LOGINS} logins)`, async () => {
    const user = await registerThroughForm();
    const email = user.email ?? "";
    let old = user.password ?? "";
    const survivors: number[] = [];
    for (let round = 1; round <= ROUNDS; round++) {
      const next = `round ${round} new passphrase`;
      await setStoredHash(email, await oldFormatHash(old));
      const link = await askForResetLink(email);
      const resetter = new TestBrowser();
      await resetter.get(`${link.pathname}${link.search}`);
      const logins = await loginBrowsers();

      const [reset, ...answers] = await Promise.all([
        resetter.post(`${link.pathname}${link.search}`, {
          token: link.searchParams.get("token") ?? "",
          password: next,
          confirm_password: next,
        }),
        ...logins.map((browser) => browser.post("/login/", { email, password: old })),
      ]);
      expect(reset.response.status).toBe(303);
      for (const { response } of answers) expect([303, 400]).toContain(response.status);
      survivors.push(await stillSignedIn(logins));
      await expectOnlyPassword(email, next, old);
      old = next;
    }
    expect(survivors).toEqual(Array(ROUNDS).fill(0));
    expect(await sessionsOf(email)).toEqual([]);
  });
});

describe("a password change on the account page sent together with logins using the old password", () => {
  it(`only the changing browser stays signed in, and the new password stays (${ROUNDS} rounds)`, async () => {
    const user = await registerThroughForm();
    const email = user.email ?? "";
    let old = user.password ?? "";
    const { browser: changer } = await signedInBrowser(user);
    const survivors: number[] = [];
    for (let round = 1; round <= ROUNDS; round++) {
      const next = `round ${round} changed passphrase`;
      await setStoredHash(email, await oldFormatHash(old));
      await changer.get("/account/password/");
      const logins = await loginBrowsers();
      const [change, ...answers] = await Promise.all([
        changer.post("/account/password/", { current_password: old, password: next, confirm_password: next }),
        ...logins.map((browser) => browser.post("/login/", { email, password: old })),
      ]);
      expect(change.response.status).toBe(303);
      for (const { response } of answers) expect([303, 400]).toContain(response.status);
      survivors.push(await stillSignedIn(logins));
      expect((await changer.get("/dash/")).response.status).toBe(200);
      await expectOnlyPassword(email, next, old);
      old = next;
    }
    expect(survivors).toEqual(Array(ROUNDS).fill(0));
    expect(await sessionsOf(email)).toHaveLength(1);
  });
});

describe("a login whose check of the old password ends after a change has landed", () => {
  // The requests above are sent at once, but locally a check and a change seldom overlap; here the
  // overlap is certain: the login read the account, the owner changed the password, then the login
  // finishes as logIn would after verifying the old password (with a rehash due).
  it("opens no session and writes nothing: no count, no rehash of the old password", async () => {
    const user = await registerThroughForm();
    const email = user.email ?? "";
    const old = user.password ?? "";
    const { browser: owner } = await signedInBrowser(user);
    const read = await env.DB.prepare("SELECT id, credential_generation AS generation FROM users WHERE email = ?")
      .bind(email)
      .first<{ id: number; generation: number }>();
    expect(await changePasswordOnAccountPage(owner, old)).toBe(303);
    const [sessionsBefore, countBefore] = [await sessionsOf(email), (await userByEmail(email))?.login_count];

    const context: AppLoadContext = { cloudflare: { env, ctx: createExecutionContext() } };
    const request = new Request(`${ORIGIN}/login/`, { method: "POST", headers: { "CF-Connecting-IP": "2001:db8::1" } });
    const answer = await completeSignIn(request, context, {
      userId: read?.id ?? 0,
      email,
      generation: read?.generation ?? 0,
      remember: false,
      next: "/dash/",
      method: "password",
      rehash: await oldFormatHash(old),
    });
    expect(answer.headers.get("Location")).toMatch(/^\/login\//);
    expect(await sessionsOf(email)).toEqual(sessionsBefore);
    expect((await userByEmail(email))?.login_count).toBe(countBefore);
    await expectOnlyPassword(email, "owner's new one", old);
  });
});

describe("the credential generation", () => {
  it("a session row opened under an older generation is signed out, even if nothing deleted it", async () => {
    const user = await registerThroughForm();
    const { browser } = await signedInBrowser(user);
    const row = await userByEmail(user.email ?? "");
    const token = "a-session-token-from-before-the-change-0123456789";
    await env.DB.prepare(
      "INSERT INTO sessions (id, user_id, created_at, expires_at, remember, credential_generation) VALUES (?, ?, ?, ?, 0, ?)",
    )
      .bind(sha256HexIndependent(token), row?.id, Date.now(), Date.now() + 3_600_000, -1)
      .run();
    const stale = new TestBrowser();
    stale.cookies.set(SESSION_COOKIE, await signSessionCookie({ token }, CURRENT_SECRET));
    expect((await stale.get("/dash/")).response.status).toBe(303);
    expect((await browser.get("/dash/")).response.status).toBe(200);
  });

  it("a reset link asked for before a password change on the account page no longer works after it", async () => {
    const user = await registerThroughForm();
    const email = user.email ?? "";
    const link = await askForResetLink(email);

    const { browser } = await signedInBrowser(user);
    expect(await changePasswordOnAccountPage(browser, user.password ?? "")).toBe(303);

    const attacker = new TestBrowser();
    const page = await attacker.get(`${link.pathname}${link.search}`);
    expect(page.response.status).toBe(400);
    expect(page.html).toContain(messages.resetLinkInvalid);
  });

  it("a change clears the account's throttle counts", async () => {
    const user = await registerThroughForm();
    const email = user.email ?? "";
    const { browser } = await signedInBrowser(user);
    for (let i = 0; i < 3; i++) {
      const stranger = new TestBrowser();
      await stranger.get("/login/");
      await stranger.post("/login/", { email, password: "a wrong password" });
    }
    const counted = () =>
      env.DB.prepare("SELECT count(*) AS n FROM sign_in_attempts WHERE account_key = ?")
        .bind(sha256HexIndependent(email))
        .first<{ n: number }>();
    expect((await counted())?.n).toBeGreaterThan(0);
    expect(await changePasswordOnAccountPage(browser, user.password ?? "")).toBe(303);
    expect((await counted())?.n).toBe(0);
  });
});

describe("password changes on the account page sent together with a reset: each is bound to the generation it read", () => {
  const CHANGERS = 3;
  // The breach check off: its network round trip, different for each new password, would spread the
  // requests out so that the later ones read what the first one wrote, and race no more.
  const bindings = { ...env, PWNED_PASSWORDS_URL: undefined };

  async function signedInWithBindings(email: string, password: string): Promise<TestBrowser> {
    const browser = new TestBrowser({ bindings });
    await browser.get("/login/");
    expect((await browser.post("/login/", { email, password })).response.status).toBe(303);
    return browser;
  }

  it(`of ${CHANGERS} changes (each from its own signed-in browser) and a reset sent at once, exactly one wins and its password stays (${ROUNDS} rounds)`, async () => {
    const user = await registerThroughForm();
    const email = user.email ?? "";
    let current = user.password ?? "";
    const outcomes: { winners: (string | undefined)[]; kept: string[] }[] = [];
    for (let round = 1; round <= ROUNDS; round++) {
      const changers: TestBrowser[] = [];
      for (let i = 0; i < CHANGERS; i++) {
        const browser = await signedInWithBindings(email, current);
        await browser.get("/account/password/");
        changers.push(browser);
      }
      const link = await askForResetLink(email);
      const resetter = new TestBrowser({ bindings });
      await resetter.get(`${link.pathname}${link.search}`);

      const wanted = [...changers.map((_, i) => `round ${round} change ${i}`), `round ${round} reset passphrase`];
      const answers = await Promise.all([
        ...changers.map((browser, i) =>
          browser.post("/account/password/", {
            current_password: current,
            password: wanted[i] ?? "",
            confirm_password: wanted[i] ?? "",
          }),
        ),
        resetter.post(`${link.pathname}${link.search}`, {
          token: link.searchParams.get("token") ?? "",
          password: wanted[CHANGERS] ?? "",
          confirm_password: wanted[CHANGERS] ?? "",
        }),
      ]);
      const won = answers.flatMap(({ response }, i) => {
        const to = response.headers.get("Location");
        const success = response.status === 303 && to === (i < CHANGERS ? "/account/" : "/login/");
        return success ? [i] : [];
      });
      const stored = (await userByEmail(email))?.password_hash ?? "";
      const kept: string[] = [];
      for (const password of [current, ...wanted]) if ((await nodeVerify(stored, password)).valid) kept.push(password);
      outcomes.push({ winners: won.map((i) => wanted[i]), kept });
      current = kept[0] ?? current;
    }
    // Each round: one winner, and the stored password is the winner's.
    for (const outcome of outcomes) {
      expect(outcome.winners).toHaveLength(1);
      expect(outcome.kept).toEqual(outcome.winners);
    }
  });
});
