// A tiny browser for integration tests: a cookie jar, the CSRF token of the last page, and
// requests sent through the whole worker (SELF.fetch) exactly as a browser would send them.
import { SELF } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { callWorker } from "./worker";

export const ORIGIN = "http://localhost";

export type Fields = Record<string, string>;

const NULL_BODY_STATUSES = [101, 204, 205, 304];

export class TestBrowser {
  cookies = new Map<string, string>();
  /** The CSRF token from the last HTML page this browser fetched. */
  csrf: string | null = null;
  /** The Set-Cookie headers of the last response, raw. */
  lastSetCookies: string[] = [];
  /**
   * Each browser is its own client (as Cloudflare would say in CF-Connecting-IP), in a /64 of its
   * own (the per-IP limit counts an IPv6 client by its /64), so per-IP limits apply per browser.
   */
  readonly ip = `2001:db8:${crypto.randomUUID().slice(0, 4)}:${crypto.randomUUID().slice(0, 4)}::1`;

  /**
   * With `awaitBackgroundWork` (or `bindings` of the test's choosing), each request goes to the
   * worker's fetch handler directly and returns only once its ctx.waitUntil work (an email being
   * sent) has finished: what it did, it has done.
   */
  constructor(private readonly options: { awaitBackgroundWork?: boolean; bindings?: Env } = {}) {}

  async fetch(path: string, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    if (this.cookies.size > 0 && !headers.has("Cookie")) headers.set("Cookie", this.cookieHeader());
    if (!headers.has("CF-Connecting-IP")) headers.set("CF-Connecting-IP", this.ip);
    const url = new URL(path, ORIGIN).toString();
    const { awaitBackgroundWork, bindings } = this.options;
    const streamed =
      awaitBackgroundWork || bindings
        ? await callWorker(new Request(url, { ...init, headers }), bindings ?? env)
        : await SELF.fetch(url, { redirect: "manual", ...init, headers });
    // Read the whole body at once, as a browser would: a page left unread keeps its render (and its
    // 5-second abort timer) alive, and that timer later logs an error in some other test's output.
    const body = NULL_BODY_STATUSES.includes(streamed.status) ? null : await streamed.arrayBuffer();
    const response = new Response(body, streamed);
    this.lastSetCookies = response.headers.getSetCookie();
    for (const line of this.lastSetCookies) this.store(line);
    return response;
  }

  /** GET a page and remember its CSRF token. Returns the response and its HTML. */
  async get(path: string, init: RequestInit = {}): Promise<{ response: Response; html: string }> {
    const response = await this.fetch(path, init);
    const html = await response.text();
    const token = /name="csrf" value="([^"]+)"/.exec(html)?.[1];
    if (token) this.csrf = token;
    return { response, html };
  }

  /** POST a urlencoded form as a same-origin browser form would, with the current CSRF token unless given. */
  async post(path: string, fields: Fields, init: RequestInit = {}): Promise<{ response: Response; html: string }> {
    const body = new URLSearchParams({ ...(this.csrf ? { csrf: this.csrf } : {}), ...fields });
    const headers = new Headers({
      "Content-Type": "application/x-www-form-urlencoded",
      Origin: ORIGIN,
      "Sec-Fetch-Site": "same-origin",
    });
    for (const [name, value] of new Headers(init.headers)) headers.set(name, value);
    const response = await this.fetch(path, { method: "POST", body, ...init, headers });
    return { response, html: await response.text() };
  }

  cookieHeader(): string {
    return [...this.cookies].map(([name, value]) => `${name}=${value}`).join("; ");
  }

  private store(line: string) {
    const [pair = "", ...attributes] = line.split(";");
    const eq = pair.indexOf("=");
    const name = pair.slice(0, eq).trim();
    const value = pair.slice(eq + 1).trim();
    const expired = attributes.some((attribute) => {
      const [key = "", val = ""] = attribute.trim().split("=");
      return (
        (key.toLowerCase() === "max-age" && Number(val) <= 0) ||
        (key.toLowerCase() === "expires" && Date.parse(val) < Date.now())
      );
    });
    if (expired || value === "") this.cookies.delete(name);
    else this.cookies.set(name, value);
  }
}

let counter = 0;

/** A unique, valid registration. */
export function newUser(overrides: Partial<Fields> = {}): Fields {
  counter += 1;
  const email = `user${Date.now().toString(36)}${counter}@example.com`;
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
