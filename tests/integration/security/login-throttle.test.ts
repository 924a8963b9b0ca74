// OWASP ASVS V6.3.1 (brute force): failed logins are counted per account in D1.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { browserAt, newUser, textOf } from "../../helpers/browser";
import { createUser } from "../../helpers/db";

const LOCKED = "Too many attempts. Try again in 15 minutes.";

/** One login attempt from a fresh browser (a fresh IP), so only the per-account count can bite. */
async function attempt(email: string, password: string) {
  const browser = await browserAt("/login/");
  return browser.post("/login/", { email, password });
}

async function sessionCount(email: string): Promise<number> {
  const row = await env.DB.prepare(
    "SELECT count(*) AS n FROM sessions JOIN users ON users.id = sessions.user_id WHERE users.email = ?",
  )
    .bind(email)
    .first<{ n: number }>();
  return row?.n ?? 0;
}

/** An account of its own (five failures lock it), put straight into D1: registration is not the subject here. */
async function account(): Promise<{ email: string; password: string }> {
  const { user, password } = await createUser();
  return { email: user.email, password };
}

describe("per-account throttling", () => {
  it("locks an account after 5 failures in 15 minutes; the right password then does not sign in", async () => {
    const { email, password } = await account();
    for (let i = 0; i < 5; i++) {
      const { response, html } = await attempt(email, "wrong password!");
      expect(response.status).toBe(400);
      expect(textOf(html)).toContain("Invalid email or password");
    }
    const locked = await attempt(email, password);
    expect(locked.response.status).toBe(429);
    expect(textOf(locked.html)).toContain(LOCKED);
    expect(locked.response.headers.get("Set-Cookie") ?? "").not.toContain("Max-Age");
    expect(await sessionCount(email)).toBe(0);
  });

  it("locks an email that has no account in exactly the same way (no enumeration)", async () => {
    const email = newUser().email ?? "";
    for (let i = 0; i < 5; i++) expect((await attempt(email, "wrong password!")).response.status).toBe(400);
    const locked = await attempt(email, "anything at all");
    expect(locked.response.status).toBe(429);
    expect(textOf(locked.html)).toContain(LOCKED);
  });

  it("counts the address case-insensitively, as it is stored", async () => {
    const { email, password } = await account();
    for (let i = 0; i < 5; i++) await attempt(i % 2 ? email.toUpperCase() : ` ${email} `, "wrong password!");
    expect((await attempt(email, password)).response.status).toBe(429);
  });

  it("a success resets the count", async () => {
    const { email, password } = await account();
    for (let i = 0; i < 4; i++) await attempt(email, "wrong password!");
    expect((await attempt(email, password)).response.status).toBe(303);
    for (let i = 0; i < 4; i++) expect((await attempt(email, "wrong password!")).response.status).toBe(400);
    expect((await attempt(email, password)).response.status).toBe(303);
  });

  it("the lock ends with its window", async () => {
    const { email, password } = await account();
    for (let i = 0; i < 5; i++) await attempt(email, "wrong password!");
    expect((await attempt(email, password)).response.status).toBe(429);
    // Move the window 15 minutes into the past.
    await env.DB.prepare("UPDATE sign_in_attempts SET window_started_at = window_started_at - ?")
      .bind(15 * 60 * 1000)
      .run();
    expect((await attempt(email, password)).response.status).toBe(303);
  });

  it("says how many minutes are left", async () => {
    const email = newUser().email ?? "";
    for (let i = 0; i < 5; i++) await attempt(email, "wrong password!");
    await env.DB.prepare("UPDATE sign_in_attempts SET window_started_at = window_started_at - ?")
      .bind(14 * 60 * 1000)
      .run();
    const { html, response } = await attempt(email, "wrong password!");
    expect(textOf(html)).toContain("Too many attempts. Try again in 1 minute.");
    expect(response.headers.get("Retry-After")).toBe("60");
  });
});
