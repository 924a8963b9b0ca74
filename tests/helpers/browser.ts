// A tiny browser for integration tests: harness/http-client.ts's form client (cookie jar, CSRF token,
// form posts) whose requests go through the whole worker (SELF.fetch) exactly as a browser's would.
import { SELF } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { type Fields, FormClient } from "../../harness/http-client";
import { SESSION_COOKIE } from "./cookies";
import { callWorker } from "./worker";

export type { Fields };

export const ORIGIN = "http://localhost";

export class TestBrowser extends FormClient {
  /**
   * Each browser is its own client (as Cloudflare would say in CF-Connecting-IP), in a /64 of its
   * own (the per-IP limit counts an IPv6 client by its /64), so per-IP limits apply per browser.
   */
  readonly ip: string;

  /**
   * With `awaitBackgroundWork` (or `bindings` of the test's choosing), each request goes to the
   * worker's fetch handler directly and returns only once its ctx.waitUntil work (an email being
   * sent) has finished: what it did, it has done.
   */
  constructor(options: { awaitBackgroundWork?: boolean; bindings?: Env } = {}) {
    const ip = `2001:db8:${crypto.randomUUID().slice(0, 4)}:${crypto.randomUUID().slice(0, 4)}::1`;
    super(ORIGIN, (url, init) => {
      const headers = new Headers(init.headers);
      if (!headers.has("CF-Connecting-IP")) headers.set("CF-Connecting-IP", ip);
      const { awaitBackgroundWork, bindings } = options;
      return awaitBackgroundWork || bindings
        ? callWorker(new Request(url, { ...init, headers }), bindings ?? env)
        : SELF.fetch(url, { redirect: "manual", ...init, headers });
    });
    this.ip = ip;
  }

  /** Another client with this one's cookies (a copy of the jar) and CSRF token, as `options` says. */
  twin(options?: ConstructorParameters<typeof TestBrowser>[0]): TestBrowser {
    const twin = new TestBrowser(options);
    twin.cookies = new Map(this.cookies);
    twin.csrf = this.csrf;
    return twin;
  }
}

/** A new browser that has opened `path` (its cookie and the page's CSRF token in hand). */
export async function browserAt(
  path: string,
  options?: ConstructorParameters<typeof TestBrowser>[0],
): Promise<TestBrowser> {
  const browser = new TestBrowser(options);
  await browser.get(path);
  return browser;
}

/** GET `path` from a fresh browser that carries only `value` as its session cookie (a stolen cookie replayed). */
export async function replayCookie(value: string, path: string): Promise<Response> {
  const replay = new TestBrowser();
  replay.cookies.set(SESSION_COOKIE, value);
  return (await replay.get(path)).response;
}

/**
 * An address no other test uses. Vitest's workers start side by side and all read the one
 * simulated mailbox, so a clock-and-counter name alone could repeat in two of them.
 */
export function uniqueEmail(tag: string): string {
  return `${tag}-${crypto.randomUUID()}@example.com`;
}

/** A unique, valid registration. */
export function newUser(overrides: Partial<Fields> = {}): Fields {
  const email = uniqueEmail("user");
  return {
    email,
    first_name: "Ada",
    last_name: "Lovelace",
    password: "correct horse battery",
    confirm_password: "correct horse battery",
    ...overrides,
  };
}

/** Registers a user through the real form and returns the credentials. */
export async function registerThroughForm(fields: Fields = newUser()): Promise<Fields> {
  const browser = new TestBrowser();
  await browser.get("/register/");
  const { response } = await browser.post("/register/", fields);
  if (response.status !== 303) throw new Error(`registration failed with ${response.status}`);
  return fields;
}

/** A browser signed in through the real login form (`init`: e.g. a User-Agent, or `cf` data for the login request). */
export async function signedInBrowser(
  credentials: Fields,
  extra: Fields = {},
  init: RequestInit = {},
): Promise<{ browser: TestBrowser; response: Response }> {
  const browser = new TestBrowser();
  await browser.get("/login/");
  const { response } = await browser.post(
    "/login/",
    { email: credentials.email ?? "", password: credentials.password ?? "", ...extra },
    init,
  );
  if (response.status !== 303) throw new Error(`login failed with ${response.status}`);
  await browser.get("/dash/");
  return { browser, response };
}

/** The visible text of an HTML page: tags, comments and scripts removed, whitespace folded. */
export function textOf(html: string): string {
  return html
    .replace(/<script[\s\S]*?<\/script>/g, " ")
    .replace(/<!--[\s\S]*?-->/g, "")
    .replace(/<[^>]+>/g, " ")
    .replace(/&amp;/g, "&")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"')
    .replace(/&#x27;/g, "'")
    .replace(/\s+/g, " ")
    .trim();
}
