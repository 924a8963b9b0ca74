// One client for talking to the app as a browser's forms do: a cookie jar fed by one Set-Cookie
// parser, the CSRF token of the last page, and same-origin form posts. The integration tests send
// through the worker in workerd (tests/helpers/browser.ts gives it that transport), the browser
// tests and the bench over HTTP. Nothing here needs Node or workerd.

/** One Set-Cookie line, split: attribute names lowercased; `expired` when it deletes the cookie. */
export type SetCookie = { name: string; value: string; attributes: Map<string, string | true>; expired: boolean };

function parseSetCookie(line: string, now = Date.now()): SetCookie {
  const [pair = "", ...rest] = line.split(";");
  const eq = pair.indexOf("=");
  const attributes = new Map<string, string | true>();
  for (const part of rest) {
    const [key = "", ...value] = part.trim().split("=");
    attributes.set(key.toLowerCase(), value.length > 0 ? value.join("=") : true);
  }
  const value = pair.slice(eq + 1).trim();
  const maxAge = attributes.get("max-age");
  const expires = attributes.get("expires");
  const expired =
    value === "" ||
    (typeof maxAge === "string" && Number(maxAge) <= 0) ||
    (typeof expires === "string" && Date.parse(expires) < now);
  return { name: pair.slice(0, eq).trim(), value, attributes, expired };
}

/** The Set-Cookie line for `name` in a response, parsed; null when the response sets none. */
export function setCookieOf(response: Response, name: string): SetCookie | null {
  const line = response.headers.getSetCookie().find((cookie) => cookie.startsWith(`${name}=`));
  return line ? parseSetCookie(line) : null;
}

/** The Cookie header a browser would send back after `response` (name=value pairs it keeps). */
export function cookiesFrom(response: Response): string {
  return response.headers
    .getSetCookie()
    .map((line) => parseSetCookie(line))
    .filter((cookie) => !cookie.expired)
    .map((cookie) => `${cookie.name}=${cookie.value}`)
    .join("; ");
}

/** The headers a same-origin browser form post carries. */
export function formHeaders(origin: string): Record<string, string> {
  return {
    "Content-Type": "application/x-www-form-urlencoded",
    Origin: new URL(origin).origin,
    "Sec-Fetch-Site": "same-origin",
  };
}

/** The hidden CSRF field of a page, or null. */
export function csrfTokenIn(html: string): string | null {
  return /name="csrf" value="([^"]+)"/.exec(html)?.[1] ?? null;
}

export type Fields = Record<string, string>;

/** How a request reaches the app: over HTTP unless a test gives another way in. Redirects are not followed. */
export type Transport = (url: string, init: RequestInit) => Promise<Response>;

const overHttp: Transport = (url, init) => fetch(url, { redirect: "manual", ...init });

const NULL_BODY_STATUSES = [101, 204, 205, 304];

export class FormClient {
  cookies = new Map<string, string>();
  /** The CSRF token from the last HTML page this client fetched. */
  csrf: string | null = null;
  /** The Set-Cookie headers of the last response, raw. */
  lastSetCookies: string[] = [];

  readonly origin: string;
  private readonly transport: Transport;

  // Plain fields, not parameter properties: Node runs this file as it is (type stripping only).
  constructor(origin: string, transport: Transport = overHttp) {
    this.origin = origin;
    this.transport = transport;
  }

  /**
   * Sends a request with the jar's cookies and stores what comes back. The whole body is read at
   * once, as a browser would: a page left unread keeps its render (and its timers) alive.
   */
  async fetch(path: string, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    if (this.cookies.size > 0 && !headers.has("Cookie")) headers.set("Cookie", this.cookieHeader());
    const streamed = await this.transport(new URL(path, this.origin).toString(), { ...init, headers });
    const body = NULL_BODY_STATUSES.includes(streamed.status) ? null : await streamed.arrayBuffer();
    const response = new Response(body, streamed);
    this.lastSetCookies = response.headers.getSetCookie();
    for (const line of this.lastSetCookies) {
      const cookie = parseSetCookie(line);
      if (cookie.expired) this.cookies.delete(cookie.name);
      else this.cookies.set(cookie.name, cookie.value);
    }
    return response;
  }

  /** GET a page and remember its CSRF token. */
  async get(path: string, init: RequestInit = {}): Promise<{ response: Response; html: string }> {
    const response = await this.fetch(path, init);
    const html = await response.text();
    this.csrf = csrfTokenIn(html) ?? this.csrf;
    return { response, html };
  }

  /** POST a urlencoded form as a same-origin browser form would, with the current CSRF token unless given. */
  async post(path: string, fields: Fields, init: RequestInit = {}): Promise<{ response: Response; html: string }> {
    const body = new URLSearchParams({ ...(this.csrf ? { csrf: this.csrf } : {}), ...fields });
    const headers = new Headers(formHeaders(this.origin));
    for (const [name, value] of new Headers(init.headers)) headers.set(name, value);
    const response = await this.fetch(path, { method: "POST", body, ...init, headers });
    return { response, html: await response.text() };
  }

  cookieHeader(): string {
    return [...this.cookies].map(([name, value]) => `${name}=${value}`).join("; ");
  }
}
