// Per-IP limits (the [[ratelimits]] binding), keyed by CF-Connecting-IP: on login and register POSTs,
// and on every POST that checks a passkey or sends an email (the passkey pages here).
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { clientNetwork } from "~/http/rate-limit.server";
import { browserAt, newUser, ORIGIN, registerThroughForm, type TestBrowser, textOf } from "../../helpers/browser";
import { select } from "../../helpers/html";
import { addPasskeyThroughPage, postForJson, signedInMailingBrowser } from "../../helpers/passkeys";
import { callWorker } from "../../helpers/worker";

/**
 * Posts until the first 429 (at most 21 posts: the limiter's windows are fixed, so a window may
 * roll over once mid-test, but never twice in a few seconds). Returns the posts before it and the 429.
 */
async function postUntilLimited(
  browser: TestBrowser,
  path: string,
  fields: () => Record<string, string>,
  init: () => RequestInit = () => ({}),
) {
  for (let sent = 0; sent < 21; sent++) {
    const posted = fields();
    const result = await browser.post(path, posted, init());
    if (result.response.status === 429) return { allowed: sent, limited: result, posted };
  }
  throw new Error(`no 429 after 21 posts to ${path}`);
}

const failedLogin = () => ({ email: newUser().email ?? "", password: "wrong password!" });

describe("per-IP rate limit", () => {
  it("allows 10 login posts a minute from one IP, then answers 429 with Retry-After and keeps the form", async () => {
    const browser = await browserAt("/login/");
    const { allowed, limited, posted } = await postUntilLimited(browser, "/login/", failedLogin);
    expect(allowed).toBeGreaterThanOrEqual(10);
    expect(limited.response.headers.get("Retry-After")).toBe("60");
    expect(textOf(limited.html)).toContain("Too many requests from your network");
    expect(limited.html).toContain(`value="${posted.email}"`);
    expect(limited.html).toContain('name="password"');
  });

  it("limits registration too, per IP: another client is not affected", async () => {
    const busy = await browserAt("/register/");
    const { allowed } = await postUntilLimited(busy, "/register/", () => newUser({ password: "short" }));
    expect(allowed).toBeGreaterThanOrEqual(10);

    const other = await browserAt("/register/");
    expect((await other.post("/register/", newUser())).response.status).toBe(303);
  });

  it("keys on CF-Connecting-IP, not on headers a client can set", async () => {
    const browser = await browserAt("/login/");
    let n = 0;
    const spoofed = () => ({ headers: { "X-Forwarded-For": `203.0.113.${++n}`, "X-Real-IP": `203.0.113.${n}` } });
    const { allowed } = await postUntilLimited(browser, "/login/", failedLogin, spoofed);
    expect(allowed).toBeLessThanOrEqual(20);
  });

  it("counts an IPv6 client by its /64: a fresh address in the same network gets no fresh allowance", async () => {
    const browser = await browserAt("/login/");
    const network = browser.ip.replace(/::1$/, "");
    let n = 0;
    const anotherAddress = () => ({ headers: { "CF-Connecting-IP": `${network}:${(++n).toString(16)}:0:0:1` } });
    const { allowed } = await postUntilLimited(browser, "/login/", failedLogin, anotherAddress);
    expect(allowed).toBeLessThanOrEqual(20);
    // Another /64 is another client.
    const neighbour = await browserAt("/login/");
    expect((await neighbour.post("/login/", failedLogin())).response.status).toBe(400);
  });

  it("counts an IPv4 client by its address", async () => {
    const first = await browserAt("/login/");
    const octet = () => Math.floor(Math.random() * 250) + 1;
    const ip = `198.51.${octet()}.${octet()}`;
    const { allowed } = await postUntilLimited(first, "/login/", failedLogin, () => ({
      headers: { "CF-Connecting-IP": ip },
    }));
    expect(allowed).toBeLessThanOrEqual(20);
    const neighbour = await first.post("/login/", failedLogin(), {
      headers: { "CF-Connecting-IP": ip.replace(/\.\d+$/, ".0") },
    });
    expect(neighbour.response.status).toBe(400);
  });

  it("RATE_LIMITS=off (the local switch) skips the per-IP limit", async () => {
    const browser = await browserAt("/login/");
    const local = { ...env, RATE_LIMITS: "off" };
    for (let i = 0; i < 12; i++) {
      const body = new URLSearchParams({
        csrf: browser.csrf ?? "",
        email: newUser().email ?? "",
        password: "nope nope",
      });
      const request = new Request(`${ORIGIN}/login/`, {
        method: "POST",
        body,
        headers: {
          "Content-Type": "application/x-www-form-urlencoded",
          Cookie: browser.cookieHeader(),
          "CF-Connecting-IP": browser.ip,
          Origin: ORIGIN,
        },
      });
      expect((await callWorker(request, local)).status).toBe(400);
    }
  });

  it("covers adding and removing a passkey (each sends an email): over the allowance, 429 and nothing changes", async () => {
    const user = await registerThroughForm();
    const browser = await signedInMailingBrowser(user);
    expect((await addPasskeyThroughPage(browser)).status).toBe(200);
    const [passkey] = await select((await browser.get("/account/passkeys/")).html, 'input[name="passkey"]');
    // The same browser, over its network's allowance. (Using the allowance up for real would race
    // the limiter's minute, which may end between the last counted post and these.)
    const asked: string[] = [];
    const overAllowance: RateLimit = {
      limit: async ({ key }) => {
        asked.push(key);
        return { success: false };
      },
    };
    const limited = browser.twin({ bindings: { ...env, AUTH_RATE_LIMITER: overAllowance } });

    const options = await postForJson(limited, "/account/passkeys/options/");
    const added = await postForJson(limited, "/account/passkeys/new/", { credential: "{}" });
    const removed = await limited.post("/account/passkeys/", { intent: "remove", passkey: passkey?.attrs.value ?? "" });
    expect([options.status, added.status, removed.response.status]).toEqual([429, 429, 429]);
    expect(asked).toEqual(Array(3).fill(`auth:${clientNetwork(limited.ip)}`));
    expect(options.body.error).toContain("Too many requests from your network");
    const { html } = await browser.get("/account/passkeys/");
    const listed = await select(html, 'input[name="passkey"]');
    expect(new Set(listed.map((input) => input.attrs.value))).toEqual(new Set([passkey?.attrs.value]));
  });
});
