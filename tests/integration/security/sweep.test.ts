// Session hygiene: the hourly Cron Trigger deletes expired sessions and stale failure counters.
import { createScheduledController } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import worker from "../../../app/worker";
import { registerThroughForm, signedInBrowser } from "../../helpers/browser";

const MINUTE = 60 * 1000;

async function ids(table: "sessions" | "sign_in_attempts", column: string): Promise<string[]> {
  const { results } = await env.DB.prepare(`SELECT ${column} AS id FROM ${table}`).all<{ id: string }>();
  return results.map((row) => row.id);
}

describe("scheduled sweep", () => {
  it("deletes expired sessions and ended failure windows, and keeps the live ones", async () => {
    const user = await registerThroughForm();
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

  it("signing in deletes that user's expired sessions", async () => {
    const user = await registerThroughForm();
    await signedInBrowser(user);
    const row = await env.DB.prepare("SELECT id FROM users WHERE email = ?").bind(user.email).first<{ id: number }>();
    await env.DB.prepare("INSERT INTO sessions (id, user_id, created_at, expires_at, remember) VALUES (?, ?, ?, ?, 1)")
      .bind("expired-at-login", row?.id, Date.now() - 3 * 24 * 60 * MINUTE, Date.now() - MINUTE)
      .run();
    await signedInBrowser(user);
    expect(await ids("sessions", "id")).not.toContain("expired-at-login");
  });
});
