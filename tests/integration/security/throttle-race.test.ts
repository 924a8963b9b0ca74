// OWASP ASVS V6.3.1 (brute force) under concurrency, and V6.3.? "no lockout of the owner": the
// per-account throttle counts each check BEFORE it runs, in one statement on the primary, so guesses
// sent at the same moment cannot all slip past a count that each of them read as "not yet 5"; and a
// browser that has signed in to the account before keeps its own allowance (the `__device` cookie).
// Requests here really are in flight together: Promise.all over the worker's fetch, each from its own
// browser (own cookie, CSRF token and IP, so only the per-account throttle can bite). How many checks
// really ran is read from the audit log: a verified wrong password is one `login_failure` line, a
// refused one a `login_locked` line and no verification.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { type Fields, newUser, registerThroughForm, signedInBrowser, TestBrowser, textOf } from "../../helpers/browser";

const LOCKED = /Too many attempts\. Try again in \d+ minutes?\./;

let auditLines: { event: string }[] = [];

beforeEach(() => {
  auditLines = [];
  const original = console.log;
  vi.spyOn(console, "log").mockImplementation((...args: unknown[]) => {
    const [line] = args;
    if (typeof line === "string" && line.startsWith('{"time"')) auditLines.push(JSON.parse(line));
    else original(...args);
  });
});

afterEach(() => {
  vi.restoreAllMocks();
});

const audited = (event: string) => auditLines.filter((line) => line.event === event).length;

/** `count` browsers, each with the login page (and its CSRF token) loaded, ready to post at once. */
async function strangers(count: number): Promise<TestBrowser[]> {
  const browsers = Array.from({ length: count }, () => new TestBrowser());
  for (const browser of browsers) await browser.get("/login/");
  return browsers;
}

async function postAll(browsers: TestBrowser[], path: string, fields: Fields) {
  return Promise.all(browsers.map((browser) => browser.post(path, fields)));
}

describe("checks are counted before they run, atomically", () => {
  it("20 wrong passwords for one account sent at the same moment: 5 verifications, 15 refused with 429", async () => {
    const user = await registerThroughForm();
    const answers = await postAll(await strangers(20), "/login/", {
      email: user.email ?? "",
      password: "a wrong password",
    });
    const statuses = answers.map(({ response }) => response.status).sort();
    expect(statuses.filter((status) => status === 400)).toHaveLength(5);
    expect(statuses.filter((status) => status === 429)).toHaveLength(15);
    for (const { response, html } of answers) {
      if (response.status === 429) expect(textOf(html)).toMatch(LOCKED);
      else expect(textOf(html)).toContain("Invalid email or password");
    }
    expect(audited("login_failure")).toBe(5);
    expect(audited("login_locked")).toBe(15);
  });

  it("the same for an address that has no account (no enumeration by the throttle)", async () => {
    const answers = await postAll(await strangers(12), "/login/", {
      email: newUser().email ?? "",
      password: "a wrong password",
    });
    expect(answers.filter(({ response }) => response.status === 400)).toHaveLength(5);
    expect(answers.filter(({ response }) => response.status === 429)).toHaveLength(7);
  });

  it("re-checks on the account pages are counted the same way: 10 wrong current passwords at once, 5 checked", async () => {
    const user = await registerThroughForm();
    const { browser } = await signedInBrowser(user);
    await browser.get("/account/password/");
    const answers = await Promise.all(
      Array.from({ length: 10 }, () =>
        browser.post("/account/password/", {
          current_password: "not my password",
          password: "a new passphrase here",
          confirm_password: "a new passphrase here",
        }),
      ),
    );
    expect(answers.filter(({ response }) => response.status === 400)).toHaveLength(5);
    expect(answers.filter(({ response }) => response.status === 429)).toHaveLength(5);
    expect(audited("password_recheck_failure")).toBe(5);
    // The bucket is full: the right password is not even checked now.
    const { response } = await browser.post("/account/password/", {
      current_password: user.password ?? "",
      password: "a new passphrase here",
      confirm_password: "a new passphrase here",
    });
    expect(response.status).toBe(429);
  });

  it("account deletion's password is throttled too", async () => {
    const user = await registerThroughForm();
    const { browser } = await signedInBrowser(user);
    await browser.get("/account/delete/");
    for (let i = 0; i < 5; i++) {
      expect((await browser.post("/account/delete/", { password: "not my password" })).response.status).toBe(400);
    }
    expect((await browser.post("/account/delete/", { password: user.password ?? "" })).response.status).toBe(429);
  });
});

describe("the owner is not locked out by strangers (the __device cookie)", () => {
  it("strangers fill the account's bucket; the owner's browser, which signed in before, still signs in", async () => {
    const user = await registerThroughForm();
    const { browser: owner } = await signedInBrowser(user);
    await owner.post("/logout/", {});
    expect(owner.cookies.has("__device")).toBe(true);

    await postAll(await strangers(10), "/login/", { email: user.email ?? "", password: "a wrong password" });
    // A stranger with the right password is refused: the shared bucket is full.
    const [stranger] = await strangers(1);
    const refused = await stranger?.post("/login/", { email: user.email ?? "", password: user.password ?? "" });
    expect(refused?.response.status).toBe(429);

    await owner.get("/login/");
    const signedIn = await owner.post("/login/", { email: user.email ?? "", password: user.password ?? "" });
    expect(signedIn.response.status).toBe(303);
    expect(signedIn.response.headers.get("Location")).toBe("/dash/");
  });

  it("the recognised browser's own failures count against it: 5 per window, concurrently too", async () => {
    const user = await registerThroughForm();
    const { browser: owner } = await signedInBrowser(user);
    await owner.post("/logout/", {});
    await owner.get("/login/");
    const answers = await Promise.all(
      Array.from({ length: 10 }, () =>
        owner.post("/login/", { email: user.email ?? "", password: "a wrong password" }),
      ),
    );
    expect(answers.filter(({ response }) => response.status === 400)).toHaveLength(5);
    expect(answers.filter(({ response }) => response.status === 429)).toHaveLength(5);
    expect(
      (await owner.post("/login/", { email: user.email ?? "", password: user.password ?? "" })).response.status,
    ).toBe(429);
    // ... and lock only that browser: a stranger still has the account's own 5.
    const [stranger] = await strangers(1);
    const fine = await stranger?.post("/login/", { email: user.email ?? "", password: user.password ?? "" });
    expect(fine?.response.status).toBe(303);
  });

  it("a __device cookie that is forged, or recognised for another account only, gives no allowance of its own", async () => {
    const user = await registerThroughForm();
    const other = await registerThroughForm();
    const { browser: otherOwner } = await signedInBrowser(other);
    await otherOwner.post("/logout/", {});
    await postAll(await strangers(6), "/login/", { email: user.email ?? "", password: "a wrong password" });

    // Recognised, but for the other account: it draws from `user`'s shared bucket, which is full.
    await otherOwner.get("/login/");
    const elsewhere = await otherOwner.post("/login/", { email: user.email ?? "", password: user.password ?? "" });
    expect(elsewhere.response.status).toBe(429);

    const [forger] = await strangers(1);
    forger?.cookies.set("__device", "InRoaXMtaXMtbm90LXNpZ25lZCI%3D.bm90IGEgc2lnbmF0dXJl");
    const forged = await forger?.post("/login/", { email: user.email ?? "", password: user.password ?? "" });
    expect(forged?.response.status).toBe(429);
  });
});
