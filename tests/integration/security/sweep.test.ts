// Session hygiene: the hourly Cron Trigger deletes expired sessions, stale failure counters,
// expired WebAuthn challenges and browsers whose `__device` cookie has run out, measured from the
// trigger's own scheduled time (the clock a test controls).
import { createScheduledController } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import worker from "../../../app/worker";
import { newUser, registerThroughForm, signedInBrowser, TestBrowser } from "../../helpers/browser";
import { postForJson } from "../../helpers/passkeys";

const MINUTE = 60 * 1000;
const DAY = 24 * 60 * MINUTE;

async function ids(table: "sessions" | "sign_in_attempts", column: string): Promise<string[]> {
  const { results } = await env.DB.prepare(`SELECT ${column} AS id FROM ${table}`).all<{ id: string }>();
  return results.map((row) => row.id);
}

describe("scheduled sweep", () => {
  it("deletes expired sessions and ended failure windows, and keeps the live ones", async () => {
    const user = await registerThroughForm(newUser());
    await signedInBrowser(user);
    const { id: userId } = (await env.DB.prepare("SELECT id FROM users WHERE email = ?").bind(user.email).first<{
      id: number;
    }>()) ?? { id: 0 };
    const now = Date.now();
    await env.DB.batch([
      env.DB.prepare(
        "INSERT INTO sessions (id, user_id, created_at, expires_at, remember) VALUES (?, ?, ?, ?, 0)",
      ).bind("expired-session", userId, now - 2 * 24 * 60 * MINUTE, now - MINUTE),
      env.DB.prepare(
        "INSERT INTO sign_in_attempts (bucket, account_key, attempts, window_started_at) VALUES (?, 'k', 5, ?)",
      ).bind("stale-window", now - 16 * MINUTE),
      env.DB.prepare(
        "INSERT INTO sign_in_attempts (bucket, account_key, attempts, window_started_at) VALUES (?, 'k', 2, ?)",
      ).bind("live-window", now - MINUTE),
    ]);
    // Live means unexpired: other test files share this D1 (isolate: false) and leave expired rows too.
    const { results: live } = await env.DB.prepare("SELECT id FROM sessions WHERE expires_at > ?")
      .bind(now)
      .all<{ id: string }>();
    const liveSessionsBefore = live.map((row) => row.id);
    expect(liveSessionsBefore.length).toBeGreaterThan(0);

    await worker.scheduled(createScheduledController({ cron: "17 * * * *", scheduledTime: now }), env);

    const sessionsAfter = await ids("sessions", "id");
    expect(sessionsAfter).not.toContain("expired-session");
    for (const id of liveSessionsBefore) expect(sessionsAfter).toContain(id);
    const failuresAfter = await ids("sign_in_attempts", "bucket");
    expect(failuresAfter).not.toContain("stale-window");
    expect(failuresAfter).toContain("live-window");
  });

  it("deletes WebAuthn challenges past their 5 minutes, at the trigger's time; keeps those still live then", async () => {
    const browser = new TestBrowser();
    await browser.get("/login/");
    const made = Date.now();
    const { body } = await postForJson(browser, "/login/passkey/options/");
    expect(typeof body.challenge).toBe("string");
    const count = async () =>
      (
        await env.DB.prepare("SELECT count(*) AS n FROM webauthn_challenges WHERE expires_at > ?")
          .bind(made + 4 * MINUTE)
          .first<{ n: number }>()
      )?.n ?? 0;
    const before = await count();
    expect(before).toBeGreaterThan(0);
    // Four minutes on: still live, kept.
    await worker.scheduled(createScheduledController({ cron: "17 * * * *", scheduledTime: made + 4 * MINUTE }), env);
    expect(await count()).toBe(before);
    // Six minutes on: every challenge made by then has expired, so none is left.
    await worker.scheduled(createScheduledController({ cron: "17 * * * *", scheduledTime: made + 6 * MINUTE }), env);
    const left = await env.DB.prepare("SELECT count(*) AS n FROM webauthn_challenges WHERE expires_at <= ?")
      .bind(made + 6 * MINUTE)
      .first<{ n: number }>();
    expect(left?.n).toBe(0);
  });

  it("forgets a browser not signed in for longer than its `__device` cookie lives (a year), keeps a recent one", async () => {
    const user = await registerThroughForm(newUser());
    await signedInBrowser(user);
    const row = await env.DB.prepare("SELECT id FROM users WHERE email = ?").bind(user.email).first<{ id: number }>();
    const now = Date.now();
    await env.DB.batch([
      env.DB.prepare("INSERT INTO recognised_devices (user_id, device_hash, last_sign_in_at) VALUES (?, ?, ?)").bind(
        row?.id,
        "forgotten-browser",
        now - 366 * DAY,
      ),
      env.DB.prepare("INSERT INTO recognised_devices (user_id, device_hash, last_sign_in_at) VALUES (?, ?, ?)").bind(
        row?.id,
        "recent-browser",
        now - 300 * DAY,
      ),
    ]);
    await worker.scheduled(createScheduledController({ cron: "17 * * * *", scheduledTime: now }), env);
    const { results } = await env.DB.prepare("SELECT device_hash AS id FROM recognised_devices WHERE user_id = ?")
      .bind(row?.id)
      .all<{ id: string }>();
    const kept = results.map((device) => device.id);
    expect(kept).not.toContain("forgotten-browser");
    expect(kept).toContain("recent-browser");
    // The browser that signed in just now is kept too.
    expect(kept).toHaveLength(2);
  });

  it("signing in deletes that user's expired sessions", async () => {
    const user = await registerThroughForm(newUser());
    await signedInBrowser(user);
    const row = await env.DB.prepare("SELECT id FROM users WHERE email = ?").bind(user.email).first<{ id: number }>();
    await env.DB.prepare("INSERT INTO sessions (id, user_id, created_at, expires_at, remember) VALUES (?, ?, ?, ?, 1)")
      .bind("expired-at-login", row?.id, Date.now() - 3 * 24 * 60 * MINUTE, Date.now() - MINUTE)
      .run();
    await signedInBrowser(user);
    expect(await ids("sessions", "id")).not.toContain("expired-at-login");
  });
});
