// OWASP ASVS V3.4 (browser security headers): every HTML page gets a nonce CSP and the rest.
import { SELF } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { newUser, TestBrowser } from "../../helpers/browser";

function nonceOf(response: Response): string {
  const csp = response.headers.get("Content-Security-Policy") ?? "";
  const nonce = /script-src 'nonce-([A-Za-z0-9_-]+)' 'strict-dynamic'/.exec(csp)?.[1];
  if (!nonce) throw new Error(`no nonce in CSP: ${csp}`);
  return nonce;
}

describe("security headers", () => {
  it("V3.4.3 pages carry a CSP whose only script source is a per-request nonce", async () => {
    const first = await SELF.fetch("http://localhost/login/");
    const second = await SELF.fetch("http://localhost/login/");
    const csp = first.headers.get("Content-Security-Policy") ?? "";
    for (const directive of [
      "object-src 'none'",
      "base-uri 'none'",
      "frame-ancestors 'none'",
      "form-action 'self'",
      "default-src 'self'",
    ]) {
      expect(csp).toContain(directive);
    }
    expect(csp).not.toContain("unsafe-inline");
    expect(nonceOf(first)).not.toBe(nonceOf(second));
    expect(nonceOf(first).length).toBeGreaterThanOrEqual(16);
    // Read the pages: an unread one keeps its render's 5-second abort timer, which then logs an error.
    await Promise.all([first.text(), second.text()]);
  });

  it("every script and module preload in a page carries this response's nonce", async () => {
    const response = await SELF.fetch("http://localhost/register/");
    const nonce = nonceOf(response);
    const html = await response.text();
    const scripts = html.match(/<script\b[^>]*>/g) ?? [];
    const preloads = html.match(/<link\b[^>]*rel="modulepreload"[^>]*>/g) ?? [];
    expect(scripts.length).toBeGreaterThan(0);
    expect(preloads.length).toBeGreaterThan(0);
    for (const tag of [...scripts, ...preloads]) expect(tag).toContain(`nonce="${nonce}"`);
  });

  it("sends nosniff, a referrer policy, COOP and a Permissions-Policy on every response", async () => {
    for (const path of ["/", "/login/", "/healthcheck/", "/no-such-page/"]) {
      const response = await SELF.fetch(`http://localhost${path}`);
      expect(response.headers.get("X-Content-Type-Options"), path).toBe("nosniff");
      expect(response.headers.get("Referrer-Policy"), path).toBe("strict-origin-when-cross-origin");
      expect(response.headers.get("Cross-Origin-Opener-Policy"), path).toBe("same-origin");
      expect(response.headers.get("Permissions-Policy"), path).toContain("camera=()");
      expect(response.headers.get("Cache-Control"), path).toBe("no-store");
      await response.text();
    }
  });

  it("V9.1.1 sends HSTS for a year on https only", async () => {
    const secure = await SELF.fetch("https://localhost/");
    expect(secure.headers.get("Strict-Transport-Security")).toBe("max-age=31536000; includeSubDomains");
    const plain = await SELF.fetch("http://localhost/");
    expect(plain.headers.get("Strict-Transport-Security")).toBeNull();
    await Promise.all([secure.text(), plain.text()]);
  });

  it("the healthcheck stays plain text: no CSP needed, still nosniff", async () => {
    const response = await SELF.fetch("http://localhost/healthcheck/");
    expect(response.headers.get("Content-Security-Policy")).toBeNull();
    expect(response.headers.get("X-Content-Type-Options")).toBe("nosniff");
  });

  it("the next flow still works under the referrer policy", async () => {
    const user = newUser();
    const browser = new TestBrowser();
    await browser.get("/register/");
    await browser.post("/register/", user);
    const guarded = await browser.get("/dash/");
    const loginUrl = guarded.response.headers.get("Location") ?? "";
    await browser.get(loginUrl);
    const { response } = await browser.post(loginUrl, {
      email: user.email ?? "",
      password: user.password ?? "",
      next: "/dash/",
    });
    expect(response.headers.get("Location")).toBe("/dash/");
  });
});
