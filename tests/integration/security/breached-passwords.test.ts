// docs/product.md "Holding under attack", breached passwords (ASVS V6.2.12 style: new passwords are
// checked against breached ones). The worker asks the Pwned Passwords range API, here a local
// stand-in started by the tests' global setup (tests/setup/pwned-passwords.ts) and bound as
// PWNED_PASSWORDS_URL in vitest.config.ts: nothing stands in for the worker's own fetch, cache or timeout.
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { serverMessages } from "~/messages";
import { isBreachedPassword } from "~/passwords/pwned-passwords.server";
import { SLOW_ANSWER_MS, STAND_IN_BREACHED, STAND_IN_PADDED } from "../../../scripts/lib/pwned-stand-in-passwords";
import { newUser, registerThroughForm, signedInBrowser, TestBrowser, textOf } from "../../helpers/browser";
import { userByEmail } from "../../helpers/db";
import { askForResetLink } from "../../helpers/mailbox";
import { werkzeugHashes } from "../../helpers/werkzeug";

const [BREACHED = "", ALSO_BREACHED = "", THIRD_BREACHED = ""] = STAND_IN_BREACHED;
const standInUrl = env.PWNED_PASSWORDS_URL ?? "";
const standInOrigin = new URL(standInUrl).origin;
const slowEnv = { ...env, PWNED_PASSWORDS_URL: `${standInOrigin}/slow/range/` };

type Asked = { path: string; addPadding: boolean };

/** What the stand-in was asked for `password`'s range (other test files use the stand-in at the same time). */
async function askedFor(password: string): Promise<Asked[]> {
  const prefix = (await sha1Hex(password)).slice(0, 5);
  const asked: Asked[] = await (await fetch(`${standInOrigin}/requests`)).json();
  return asked.filter(({ path }) => path.endsWith(`/${prefix}`));
}

async function sha1Hex(text: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-1", new TextEncoder().encode(text));
  return [...new Uint8Array(digest)]
    .map((byte) => byte.toString(16).padStart(2, "0"))
    .join("")
    .toUpperCase();
}

/**
 * A password no one has seen, in a range nobody has asked for yet: no cache holds its range, and
 * whatever the stand-in is asked for that range from now on is this test's doing.
 */
async function freshPassword(): Promise<string> {
  for (;;) {
    const password = `fresh passphrase ${crypto.randomUUID()}`;
    if ((await askedFor(password)).length === 0) return password;
  }
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe("the range API client", () => {
  it("finds a breached password; passes one the service does not list, and one listed only as zero-count padding", async () => {
    expect(await isBreachedPassword(BREACHED, env)).toBe(true);
    expect(await isBreachedPassword(await freshPassword(), env)).toBe(false);
    expect(await isBreachedPassword(STAND_IN_PADDED[0] ?? "", env)).toBe(false);
  });

  it("sends only the first 5 hex digits of the SHA-1, asking for padding", async () => {
    const password = await freshPassword();
    await isBreachedPassword(password, env);
    const sha1 = await sha1Hex(password);
    expect(await askedFor(password)).toEqual([{ path: `/range/${sha1.slice(0, 5)}`, addPadding: true }]);
  });

  it("asks the service once per range a day: the answer is kept in the edge cache", async () => {
    const password = await freshPassword();
    const prefix = (await sha1Hex(password)).slice(0, 5);
    await isBreachedPassword(password, env);
    await isBreachedPassword(password, env);
    expect(await askedFor(password)).toHaveLength(1);
    const cached = await caches.default.match(`${standInUrl}${prefix}`);
    expect(cached?.headers.get("Cache-Control")).toBe("max-age=86400");
  });

  it("gives a service that has not answered in a second up: the password passes and the event is logged", async () => {
    const logged: string[] = [];
    vi.spyOn(console, "error").mockImplementation((line: unknown) => logged.push(String(line)));
    const started = Date.now();
    expect(await isBreachedPassword(ALSO_BREACHED, slowEnv)).toBe(false);
    const took = Date.now() - started;
    expect(took).toBeGreaterThanOrEqual(900);
    expect(took).toBeLessThan(SLOW_ANSWER_MS);
    const events = logged.map((line) => JSON.parse(line) as { event: string; error?: string });
    expect(events).toEqual([expect.objectContaining({ event: "pwned_passwords_unavailable" })]);
    expect(logged.join("\n")).not.toContain(ALSO_BREACHED);
  });

  it("is off when PWNED_PASSWORDS_URL is unset: nothing is asked", async () => {
    const password = await freshPassword();
    expect(await isBreachedPassword(password, { ...env, PWNED_PASSWORDS_URL: undefined })).toBe(false);
    expect(await askedFor(password)).toEqual([]);
  });
});

describe("every form that sets a password refuses a breached one (400)", () => {
  it("registration", async () => {
    const user = newUser({ password: BREACHED, confirm_password: BREACHED });
    const browser = new TestBrowser();
    await browser.get("/register/");
    const { response, html } = await browser.post("/register/", user);
    expect(response.status).toBe(400);
    expect(textOf(html)).toContain(serverMessages.passwordBreached);
    expect(await userByEmail(user.email ?? "")).toBeNull();
  });

  it("the account page's change", async () => {
    const user = await registerThroughForm();
    const { browser } = await signedInBrowser(user);
    const before = (await userByEmail(user.email ?? ""))?.password_hash;
    await browser.get("/account/password/");
    const { response, html } = await browser.post("/account/password/", {
      current_password: user.password ?? "",
      password: THIRD_BREACHED,
      confirm_password: THIRD_BREACHED,
    });
    expect(response.status).toBe(400);
    expect(textOf(html)).toContain(serverMessages.passwordBreached);
    expect((await userByEmail(user.email ?? ""))?.password_hash).toBe(before);
    expect((await browser.get("/dash/")).response.status).toBe(200);
  });

  it("the reset link", async () => {
    const user = await registerThroughForm();
    const email = user.email ?? "";
    const link = await askForResetLink(email);
    const before = (await userByEmail(email))?.password_hash;
    const browser = new TestBrowser();
    await browser.get(`${link.pathname}${link.search}`);
    const { response, html } = await browser.post(`${link.pathname}${link.search}`, {
      token: link.searchParams.get("token") ?? "",
      password: BREACHED,
      confirm_password: BREACHED,
    });
    expect(response.status).toBe(400);
    expect(textOf(html)).toContain(serverMessages.passwordBreached);
    expect((await userByEmail(email))?.password_hash).toBe(before);
  });

  it("a slow service does not stop a registration: the password is accepted", async () => {
    vi.spyOn(console, "error").mockImplementation(() => {});
    const user = newUser({ password: ALSO_BREACHED, confirm_password: ALSO_BREACHED });
    const browser = new TestBrowser({ bindings: slowEnv });
    await browser.get("/register/");
    expect((await browser.post("/register/", user)).response.status).toBe(303);
  });
});

describe("an imported Flask user whose password is breached", () => {
  async function importUser(password: string) {
    const email = newUser().email ?? "";
    const [run] = await werkzeugHashes([{ method: "pbkdf2:sha256:1000", password }]);
    const legacy = run?.hashes[0]?.hash ?? expect.fail("werkzeug made no hash");
    await env.DB.prepare(
      "INSERT INTO users (email, first_name, last_name, password_hash, created_at) VALUES (?, 'Grace', 'Hopper', ?, ?)",
    )
      .bind(email, legacy, Date.now())
      .run();
    return email;
  }

  async function logIn(email: string, password: string, next = "/dash/") {
    const browser = new TestBrowser();
    await browser.get("/login/");
    const { response } = await browser.post("/login/", { email, password, next });
    return { browser, response };
  }

  it("is signed in, then sent to /account/password/ with a flash asking for a new password", async () => {
    const email = await importUser(BREACHED);
    const { browser, response } = await logIn(email, BREACHED);
    expect(response.status).toBe(303);
    expect(response.headers.get("Location")).toBe("/account/password/");
    const page = await browser.get("/account/password/");
    expect(page.response.status).toBe(200);
    expect(textOf(page.html)).toContain(serverMessages.changeBreachedPassword);
    expect((await userByEmail(email))?.password_hash).toMatch(/^\$argon2id\$/);
  });

  it("one whose password is not breached goes where it asked, and later logins ask the service nothing", async () => {
    const password = await freshPassword();
    const email = await importUser(password);
    const first = await logIn(email, password);
    expect(first.response.headers.get("Location")).toBe("/dash/");
    expect(await askedFor(password)).toHaveLength(1);
    // Out of the cache, so a check at the next login would have to ask the service again.
    await caches.default.delete(`${standInUrl}${(await sha1Hex(password)).slice(0, 5)}`);
    const again = await logIn(email, password);
    expect(again.response.headers.get("Location")).toBe("/dash/");
    expect(await askedFor(password)).toHaveLength(1);
  });
});
