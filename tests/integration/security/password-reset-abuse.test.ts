// The abuse cases of "Forgot password": the per-address cap and the per-IP limit (same answer, no
// email), a forged Host (the link stays on APP_ORIGIN), no enumeration by timing, nothing secret
// in the log, missing configuration failing loudly, the sweep, and the D1 round trips per request.
import { createScheduledController, SELF } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { messages } from "~/messages";
import worker from "../../../app/worker";
import { type Counter, countDatabase } from "../../../harness/d1-round-trips";
import { median } from "../../../harness/stats";
import { type Fields, newUser, ORIGIN, registerThroughForm, TestBrowser, textOf } from "../../helpers/browser";
import { sha256HexIndependent } from "../../helpers/cookies";
import { createUser, resetEmailsCounted, resetTokensOf } from "../../helpers/db";
import { mailTo, newestResetLink, resetLinksTo } from "../../helpers/mailbox";

const MINUTE = 60 * 1000;

afterEach(() => {
  vi.restoreAllMocks();
});

async function forgot(email: string, browser = new TestBrowser({ awaitBackgroundWork: true }), init: RequestInit = {}) {
  if (!browser.csrf) await browser.get("/forgot-password/", init);
  return browser.post("/forgot-password/", { email }, init);
}

describe("at most 3 emails per address per hour", () => {
  it("the 4th request in the hour gets the same answer, sends nothing and leaves the 3rd link live", async () => {
    const own = await registerThroughForm();
    const email = own.email ?? "";
    const answers: string[] = [];
    for (let i = 0; i < 4; i++) {
      const { response, html } = await forgot(email); // a new browser (and IP) each time
      expect(response.status).toBe(200);
      answers.push(textOf(html));
    }
    expect(new Set(answers).size).toBe(1);
    expect(answers[0]).toContain(messages.resetLinkSent);
    const links = await resetLinksTo(email);
    expect(links).toHaveLength(3);
    expect(await resetEmailsCounted(sha256HexIndependent(email))).toHaveLength(3);
    const third = new URL(links[2] ?? "");
    expect((await new TestBrowser().get(`${third.pathname}${third.search}`)).response.status).toBe(200);
  });

  it("counts by the address's hash: the table holds no address", async () => {
    const own = await registerThroughForm();
    await forgot(own.email ?? "");
    const rows = JSON.stringify((await env.DB.prepare("SELECT * FROM email_sends").all()).results);
    expect(rows).not.toContain(own.email);
    expect(rows).toContain(sha256HexIndependent(own.email ?? ""));
  });

  it("the hour slides: once the oldest send is over an hour old, one more email goes out", async () => {
    const own = await registerThroughForm();
    const email = own.email ?? "";
    for (let i = 0; i < 3; i++) await forgot(email);
    await forgot(email);
    expect(await resetLinksTo(email)).toHaveLength(3);
    const hash = sha256HexIndependent(email);
    const [oldest] = await resetEmailsCounted(hash);
    await env.DB.prepare("UPDATE email_sends SET sent_at = ? WHERE key = ? AND sent_at = ?")
      .bind(Date.now() - 61 * MINUTE, hash, oldest ?? 0)
      .run();
    await forgot(email);
    expect(await resetLinksTo(email)).toHaveLength(4);
    await forgot(email);
    expect(await resetLinksTo(email)).toHaveLength(4);
  });

  it("holds even with the per-IP limit switched off (RATE_LIMITS=off)", async () => {
    const own = await registerThroughForm();
    const browser = new TestBrowser({ bindings: { ...env, RATE_LIMITS: "off" } });
    for (let i = 0; i < 5; i++) expect((await forgot(own.email ?? "", browser)).response.status).toBe(200);
    expect(await resetLinksTo(own.email ?? "")).toHaveLength(3);
  });
});

describe("the per-IP limit on POST /forgot-password/", () => {
  it("over it: the same 200 answer, and no email even for a real account", async () => {
    const own = await registerThroughForm();
    const browser = new TestBrowser({ awaitBackgroundWork: true });
    // 10 posts a minute per IP are allowed; the limiter's window is fixed, so post until one is refused.
    for (let i = 0; i < 21; i++) await forgot(newUser().email ?? "", browser);
    const { response, html } = await forgot(own.email ?? "", browser);
    expect(response.status).toBe(200);
    expect(textOf(html)).toContain(messages.resetLinkSent);
    expect(await mailTo(own.email ?? "", "Reset your password")).toEqual({ texts: [], htmls: [] });
    // Another client is not affected.
    await forgot(own.email ?? "");
    expect(await resetLinksTo(own.email ?? "")).toHaveLength(1);
  });
});

describe("a no-referrer page's own forms (the browser sends Origin: null)", () => {
  const post = (headers: Record<string, string>) =>
    SELF.fetch(`${ORIGIN}/forgot-password/`, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded", ...headers },
      body: new URLSearchParams({ email: "someone@example.com" }),
      redirect: "manual",
    });

  it("pass the cross-site check when Sec-Fetch-Site says same-origin (the CSRF token is still checked)", async () => {
    const response = await post({ Origin: "null", "Sec-Fetch-Site": "same-origin" });
    await response.arrayBuffer();
    expect(response.status).toBe(403); // refused by the token, not by the guard
    const browser = new TestBrowser();
    await browser.get("/forgot-password/");
    const accepted = await browser.post(
      "/forgot-password/",
      { email: "someone@example.com" },
      { headers: { Origin: "null", "Sec-Fetch-Site": "same-origin" } },
    );
    expect(accepted.response.status).toBe(200);
  });

  it.each([
    ["no Sec-Fetch-Site", { Origin: "null" }],
    ["Sec-Fetch-Site: cross-site", { Origin: "null", "Sec-Fetch-Site": "cross-site" }],
    ["Sec-Fetch-Site: none", { Origin: "null", "Sec-Fetch-Site": "none" }],
  ])("are refused by the guard with %s", async (_case, headers) => {
    const response = await post(headers);
    expect(response.status).toBe(403);
    expect(await response.text()).toContain("Request refused");
  });
});

describe("the link's origin is APP_ORIGIN, never the request's Host", () => {
  it("a request to a forged Host still gets a link on APP_ORIGIN", async () => {
    const own = await registerThroughForm();
    const browser = new TestBrowser({ awaitBackgroundWork: true });
    const forged = "http://evil.example";
    const init = { headers: { Origin: forged, Host: "evil.example", "X-Forwarded-Host": "evil.example" } };
    await browser.get(`${forged}/forgot-password/`, init);
    const { response } = await browser.post(`${forged}/forgot-password/`, { email: own.email ?? "" }, init);
    expect(response.status).toBe(200);
    const link = await newestResetLink(own.email ?? "");
    expect(link.origin).toBe(env.APP_ORIGIN);
    const { texts, htmls } = await mailTo(own.email ?? "", "Reset your password");
    expect([...texts, ...htmls].join("\n")).not.toContain("evil.example");
  });
});

describe("no enumeration by timing", () => {
  it("known and unknown addresses: medians within a factor of 2", async () => {
    // Fresh accounts, so every known sample is a real send (no account reaches its cap).
    const rounds = 15;
    const known: string[] = [];
    for (let i = 0; i < rounds; i++) {
      const email = newUser().email ?? "";
      await createUser({ email, passwordHash: "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHRzYWx0c2FsdA$aGFzaA" });
      known.push(email);
    }
    const time = async (email: string) => {
      const browser = new TestBrowser();
      await browser.get("/forgot-password/");
      const start = performance.now();
      const { response } = await browser.post("/forgot-password/", { email });
      expect(response.status).toBe(200);
      return performance.now() - start;
    };
    const knownTimes: number[] = [];
    const unknownTimes: number[] = [];
    // Interleaved, so load on the machine falls on both alike.
    for (const email of known) {
      knownTimes.push(await time(email));
      unknownTimes.push(await time(newUser().email ?? ""));
    }
    const [k, u] = [median(knownTimes), median(unknownTimes)];
    console.log(`forgot-password POST medians over ${rounds}: known ${k.toFixed(1)} ms, unknown ${u.toFixed(1)} ms`);
    expect(k / u).toBeLessThanOrEqual(2);
    expect(u / k).toBeLessThanOrEqual(2);
    // Every known address did get its email (after the answer).
    await vi.waitFor(async () => expect(await resetLinksTo(known.at(-1) ?? "")).toHaveLength(1), { timeout: 5000 });
  });
});

describe("the log", () => {
  it("password_reset_requested and password_reset audit events, and never an address, a link or a token", async () => {
    const logged: string[] = [];
    for (const level of ["log", "info", "warn", "error", "debug"] as const) {
      vi.spyOn(console, level).mockImplementation((...args: unknown[]) => {
        logged.push(args.map(String).join(" "));
      });
    }
    const own = await registerThroughForm();
    const unknown = newUser().email ?? "";
    await forgot(own.email ?? "");
    await forgot(unknown);
    const link = await newestResetLink(own.email ?? "");
    const browser = new TestBrowser({ awaitBackgroundWork: true });
    await browser.get(`${link.pathname}${link.search}`);
    const token = link.searchParams.get("token") ?? "";
    const password = "the log never sees this";
    const { response } = await browser.post("/reset-password/", { token, password, confirm_password: password });
    expect(response.status).toBe(303);

    const events = logged.filter((line) => line.startsWith('{"time"')).map((line) => JSON.parse(line));
    const { id: userId } = (await env.DB.prepare("SELECT id FROM users WHERE email = ?").bind(own.email).first<{
      id: number;
    }>()) ?? { id: -1 };
    expect(events.filter((e) => e.event === "password_reset_requested").map((e) => e.userId)).toEqual([userId, null]);
    expect(events.filter((e) => e.event === "password_reset").map((e) => e.userId)).toEqual([userId]);
    const all = logged.join("\n");
    for (const secret of [own.email ?? "", unknown, token, sha256HexIndependent(token), link.href, password]) {
      expect(all).not.toContain(secret);
    }
  });
});

describe("missing email configuration fails loudly at the first send", () => {
  it.each([
    ["MAIL_FROM", { MAIL_FROM: undefined }],
    ["APP_ORIGIN", { APP_ORIGIN: undefined }],
    ["APP_ORIGIN", { APP_ORIGIN: "http://auth.example.com" }],
    ["APP_ORIGIN", { APP_ORIGIN: "https://auth.example.com/some/path" }],
    ["MAIL_FROM", { MAIL_FROM: "not an address" }],
  ])(
    "%s %j: POST /forgot-password/ answers 500 for known and unknown addresses alike, the log names it",
    async (name, change) => {
      const errors: string[] = [];
      vi.spyOn(console, "error").mockImplementation((...args: unknown[]) => {
        errors.push(args.map(String).join(" "));
      });
      const own = await registerThroughForm();
      const bindings = { ...env, ...change } as Env;
      for (const email of [own.email ?? "", newUser().email ?? ""]) {
        const { response, html } = await forgot(email, new TestBrowser({ bindings }));
        expect(response.status).toBe(500);
        expect(textOf(html)).toContain(messages.serverError);
        expect(html).not.toContain(name);
      }
      expect(errors.join("\n")).toContain(name);
      expect(await resetTokensOf(own.email ?? "")).toEqual([]);
      expect(await mailTo(own.email ?? "", "Reset your password")).toEqual({ texts: [], htmls: [] });
    },
  );
});

describe("the scheduled sweep", () => {
  it("deletes expired reset links and sends older than the hour, and keeps the live ones", async () => {
    const [expiring, live] = [await registerThroughForm(), await registerThroughForm()];
    await forgot(expiring.email ?? "");
    await forgot(live.email ?? "");
    const now = Date.now();
    const expiringHash = sha256HexIndependent(expiring.email ?? "");
    await env.DB.batch([
      env.DB.prepare("UPDATE tokens SET expires_at = ? WHERE user_id = (SELECT id FROM users WHERE email = ?)").bind(
        now - MINUTE,
        expiring.email,
      ),
      env.DB.prepare("UPDATE email_sends SET sent_at = ? WHERE key = ?").bind(now - 61 * MINUTE, expiringHash),
    ]);
    await worker.scheduled(createScheduledController({ cron: "17 * * * *", scheduledTime: now }), env);
    expect(await resetTokensOf(expiring.email ?? "")).toEqual([]);
    expect(await resetEmailsCounted(expiringHash)).toEqual([]);
    expect(await resetTokensOf(live.email ?? "")).toHaveLength(1);
    expect(await resetEmailsCounted(sha256HexIndependent(live.email ?? ""))).toHaveLength(1);
  });
});

describe("D1 round trips per request", () => {
  // Reset POST: the link's account, the link spent (one conditional DELETE), the credential change.
  it("forgot POST: 1 for a known and 1 for an unknown address; reset GET: 1; reset POST: 3", async () => {
    const own = await registerThroughForm();
    const counted: Record<string, number> = {};
    const measure = async (label: string, run: (browser: TestBrowser) => Promise<unknown>, browser: TestBrowser) => {
      const counter: Counter = { roundTrips: 0, statements: 0 };
      const measured = new TestBrowser({ bindings: { ...env, DB: countDatabase(env.DB, counter) } });
      measured.cookies = browser.cookies;
      measured.csrf = browser.csrf;
      await run(measured);
      browser.csrf = measured.csrf;
      counted[label] = counter.roundTrips;
    };
    const browser = new TestBrowser({ awaitBackgroundWork: true });
    await browser.get("/forgot-password/");
    await measure("forgot POST, known", (b) => b.post("/forgot-password/", { email: own.email ?? "" }), browser);
    await measure(
      "forgot POST, unknown",
      (b) => b.post("/forgot-password/", { email: newUser().email ?? "" }),
      browser,
    );
    const link = await newestResetLink(own.email ?? "");
    await measure("reset GET", (b) => b.get(`${link.pathname}${link.search}`), browser);
    const fields: Fields = {
      token: link.searchParams.get("token") ?? "",
      password: "counted trips",
      confirm_password: "counted trips",
    };
    await measure("reset POST", (b) => b.post(`${link.pathname}${link.search}`, fields), browser);
    console.log(`D1 round trips (signed out): ${JSON.stringify(counted)}`);
    expect(counted).toEqual({
      "forgot POST, known": 1,
      "forgot POST, unknown": 1,
      "reset GET": 1,
      "reset POST": 3,
    });
  });
});
