// Two-step verification for workerd tests: the pages driven as their owner would, codes computed
// independently of the app (totp-code.ts), the secret read back from what the app showed.
import { env } from "cloudflare:workers";
import { sealTotpSecret } from "~/two-factor/two-factor.server";
import { TestBrowser } from "./browser";
import { select } from "./html";
import { codeFor, stepAt } from "./totp-code";

export { codeFor } from "./totp-code";

/** Turns two-step verification on for a user straight in D1 (for tests of pages that only read it); returns the secret. */
export async function turnOnInDatabase(userId: number, secret = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"): Promise<string> {
  await env.DB.prepare("UPDATE users SET totp_secret = ?, totp_last_step = NULL WHERE id = ?")
    .bind(await sealTotpSecret(env, userId, secret), userId)
    .run();
  return secret;
}

/** The set-up secret as /account/two-factor/ shows it for typing in (spaces, if any, removed). */
export async function secretOnPage(html: string): Promise<string> {
  const secret = (await select(html, "code.secret"))[0]?.text.replace(/\s/g, "");
  if (!secret) throw new Error("no secret on the page");
  return secret;
}

/** The recovery codes an answer shows, each in its own <code>. */
export async function codesOnPage(html: string): Promise<string[]> {
  return (await select(html, "main ol.recovery-codes code")).map((code) => code.text);
}

/**
 * Turns two-step verification on through the page, as its owner would (the browser must be signed in
 * and confirmed): reads the secret, posts its current code. Returns the secret, the recovery codes
 * and the time step of the code it posted (read from the clock once: a step may end mid-request).
 */
export async function turnOnThroughPage(
  browser: TestBrowser,
): Promise<{ secret: string; codes: string[]; step: number }> {
  const { html } = await browser.get("/account/two-factor/");
  const secret = await secretOnPage(html);
  const now = Date.now();
  const { response, html: answer } = await browser.post("/account/two-factor/", {
    intent: "enable",
    code: codeFor(secret, 0, now),
  });
  if (response.status !== 200) throw new Error(`turning on answered ${response.status}`);
  return { secret, codes: await codesOnPage(answer), step: stepAt(now) };
}

/** A 6-digit code that is none of `secret`'s accepted ones (this step and one either side). */
export function wrongCodeFor(secret: string): string {
  const taken = new Set([-1, 0, 1].map((offset) => codeFor(secret, offset)));
  let candidate = 123456;
  while (taken.has(String(candidate).padStart(6, "0"))) candidate += 1;
  return String(candidate).padStart(6, "0");
}

/** A new browser signed in through the login form and the code page. */
export async function signInWithCode(credentials: { email: string; password: string }, code: string) {
  const browser = new TestBrowser();
  await browser.get("/login/");
  const login = await browser.post("/login/", credentials);
  if (login.response.headers.get("Location") !== "/login/two-factor/") throw new Error("no second step asked");
  await browser.get("/login/two-factor/");
  const { response } = await browser.post("/login/two-factor/", { code });
  if (response.status !== 303) throw new Error(`the code step answered ${response.status}`);
  return browser;
}
