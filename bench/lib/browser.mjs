// A minimal browser for the bench: a cookie jar and the CSRF token of the last page, talking HTTP
// to the running worker the way a browser form would.

export class Browser {
  constructor(origin) {
    this.origin = origin;
    this.cookies = new Map();
    this.csrf = null;
  }

  async fetch(path, init = {}) {
    const headers = new Headers(init.headers);
    if (this.cookies.size > 0) headers.set("Cookie", this.cookieHeader());
    const response = await fetch(new URL(path, this.origin), { redirect: "manual", ...init, headers });
    for (const line of response.headers.getSetCookie()) this.store(line);
    return response;
  }

  async get(path) {
    const response = await this.fetch(path);
    const html = await response.text();
    const token = /name="csrf" value="([^"]+)"/.exec(html)?.[1];
    if (token) this.csrf = token;
    return { response, html };
  }

  async post(path, fields) {
    const body = new URLSearchParams({ csrf: this.csrf ?? "", ...fields });
    const response = await this.fetch(path, {
      method: "POST",
      body,
      headers: formHeaders(this.origin),
    });
    return { response, html: await response.text() };
  }

  cookieHeader() {
    return [...this.cookies].map(([name, value]) => `${name}=${value}`).join("; ");
  }

  store(line) {
    const [pair = ""] = line.split(";");
    const eq = pair.indexOf("=");
    const name = pair.slice(0, eq).trim();
    const value = pair.slice(eq + 1).trim();
    if (value === "" || /max-age=0/i.test(line)) this.cookies.delete(name);
    else this.cookies.set(name, value);
  }
}

/** The headers a same-origin browser form post carries. */
export function formHeaders(origin) {
  return {
    "Content-Type": "application/x-www-form-urlencoded",
    Origin: new URL(origin).origin,
    "Sec-Fetch-Site": "same-origin",
  };
}

export const PASSWORD = "bench password 0123";

export function benchUser(index, runId) {
  return {
    email: `bench-${runId}-${index}@example.com`,
    first_name: "Bench",
    last_name: `User ${index}`,
    password: PASSWORD,
    confirm_password: PASSWORD,
  };
}

/** Registers through the real form (GET for the token, then POST); returns the POST response. */
export async function register(origin, user) {
  const browser = new Browser(origin);
  await browser.get("/register/");
  const { response } = await browser.post("/register/", user);
  if (response.status !== 303) throw new Error(`registration of ${user.email} answered ${response.status}`);
  return response;
}

/** A browser signed in through the real login form. */
export async function signIn(origin, user) {
  const browser = new Browser(origin);
  await browser.get("/login/");
  const { response } = await browser.post("/login/", { email: user.email, password: user.password });
  if (response.status !== 303) throw new Error(`login of ${user.email} answered ${response.status}`);
  return { browser, response };
}

/** A fresh anonymous cookie and its CSRF token, as a login form would carry them. */
export async function freshLoginPair(origin) {
  const browser = new Browser(origin);
  const { response } = await browser.get("/login/");
  if (response.status !== 200 || !browser.csrf) throw new Error(`GET /login/ answered ${response.status}`);
  return { cookie: browser.cookieHeader(), csrf: browser.csrf };
}

/** Runs `task(i)` for i in [0, count) with at most `concurrency` in flight; returns the results in order. */
export async function pool(count, concurrency, task) {
  const results = new Array(count);
  let next = 0;
  async function worker() {
    while (next < count) {
      const index = next++;
      results[index] = await task(index);
    }
  }
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
  return results;
}
