// Issue 11: D1 read replicas without stale reads about oneself. Every write (register, login,
// logout) leaves its D1 bookmark in the `__session` cookie; the next request opens its D1 session
// from it; a garbled one is ignored. Reads are retried on D1's transient errors, writes never.
// Local D1 has no replicas, so the tests watch what the app asks of the binding (withSession's
// argument, attempts per statement) through a thin recording layer over the real local D1.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { newUser, ORIGIN, registerThroughForm, signedInBrowser, TestBrowser } from "../helpers/browser";
import { CURRENT_SECRET, readSessionCookie, SESSION_COOKIE, signSessionCookie } from "../helpers/cookies";
import { callWorker } from "../helpers/worker";

const BOOKMARK = /^[0-9a-f]{8}(?:-[0-9a-f]{8}){2}-[0-9a-f]{16,64}$/i;

async function bookmarkIn(browser: TestBrowser): Promise<unknown> {
  return (await readSessionCookie(browser.cookies.get(SESSION_COOKIE) ?? ""))?.bookmark;
}

type Recorder = { binding: D1Database; sessions: unknown[]; attempts: Map<string, number> };

/**
 * The real local D1 behind a recording layer: which constraint each request's session starts from,
 * how often each statement was sent, and (optionally) the first `failures` sends of statements
 * matching `failing` answered with D1's transient "Network connection lost".
 */
function recordingDb(failing?: RegExp, failures = 0): Recorder {
  const sessions: unknown[] = [];
  const attempts = new Map<string, number>();
  const real = new WeakMap<object, D1PreparedStatement>();
  const send = <T>(query: string, run: () => Promise<T>): Promise<T> => {
    const count = (attempts.get(query) ?? 0) + 1;
    attempts.set(query, count);
    if (failing?.test(query) && count <= failures) {
      return Promise.reject(new Error("D1_ERROR: Network connection lost."));
    }
    return run();
  };
  const wrap = (statement: D1PreparedStatement, query: string): D1PreparedStatement => {
    const wrapped = {
      bind: (...values: unknown[]) => wrap(statement.bind(...values), query),
      run: () => send(query, () => statement.run()),
      all: () => send(query, () => statement.all()),
      raw: (options?: { columnNames?: false }) => send(query, () => statement.raw(options)),
      first: (column?: string) => send(query, () => (column ? statement.first(column) : statement.first())),
    };
    real.set(wrapped, statement);
    return wrapped as unknown as D1PreparedStatement;
  };
  const binding = {
    withSession(constraint?: string) {
      sessions.push(constraint);
      const session = env.DB.withSession(constraint);
      const queries = new WeakMap<object, string>();
      return {
        prepare(query: string) {
          const statement = wrap(session.prepare(query), query);
          queries.set(statement, query);
          return statement;
        },
        batch(statements: D1PreparedStatement[]) {
          const label = `batch of ${statements.length}`;
          return send(label, () => session.batch(statements.map((statement) => real.get(statement) ?? statement)));
        },
        getBookmark: () => session.getBookmark(),
      };
    },
  };
  return { binding: binding as unknown as D1Database, sessions, attempts };
}

function requestFrom(browser: TestBrowser, path: string, init: RequestInit = {}): Request {
  const headers = new Headers(init.headers);
  headers.set("Cookie", browser.cookieHeader());
  headers.set("CF-Connecting-IP", browser.ip);
  return new Request(new URL(path, ORIGIN), { redirect: "manual", ...init, headers });
}

describe("every kind of write leaves its bookmark in the cookie", () => {
  it("register, login and logout each set a bookmark; each is at least as late as the one before", async () => {
    const user = newUser();
    const browser = new TestBrowser();
    await browser.get("/register/");
    expect(await bookmarkIn(browser)).toBeUndefined();
    const registered = await browser.post("/register/", user);
    expect(registered.response.status).toBe(303);
    const afterRegister = await bookmarkIn(browser);
    expect(afterRegister).toMatch(BOOKMARK);

    await browser.get("/login/");
    const login = await browser.post("/login/", { email: user.email ?? "", password: user.password ?? "" });
    expect(login.response.status).toBe(303);
    const afterLogin = String(await bookmarkIn(browser));
    expect(afterLogin).toMatch(BOOKMARK);
    // Bookmarks sort in time order (D1 Time Travel docs): the login's write comes after the registration's.
    expect(afterLogin >= String(afterRegister)).toBe(true);

    await browser.get("/dash/");
    const logout = await browser.post("/logout/", {});
    expect(logout.response.status).toBe(303);
    const afterLogout = String(await bookmarkIn(browser));
    expect(afterLogout).toMatch(BOOKMARK);
    expect(afterLogout >= afterLogin).toBe(true);
  });
});

describe("the next request reads from the browser's bookmark", () => {
  it("the page after login opens its D1 session from the login's bookmark and is signed in", async () => {
    const credentials = await registerThroughForm();
    const { browser } = await signedInBrowser(credentials);
    const bookmark = await bookmarkIn(browser);
    expect(bookmark).toMatch(BOOKMARK);
    const db = recordingDb();
    const response = await callWorker(requestFrom(browser, "/dash/"), { ...env, DB: db.binding });
    expect(response.status).toBe(200);
    expect(db.sessions).toEqual([bookmark]);
  });

  it("a browser that has written nothing reads unconstrained (any replica)", async () => {
    const db = recordingDb();
    const response = await callWorker(new Request(`${ORIGIN}/healthcheck/`), { ...env, DB: db.binding });
    expect(response.status).toBe(200);
    expect(db.sessions).toEqual(["first-unconstrained"]);
  });

  it("a garbled bookmark in a validly signed cookie is ignored and replaced, never an error", async () => {
    const { browser } = await signedInBrowser(await registerThroughForm());
    const data = await readSessionCookie(browser.cookies.get(SESSION_COOKIE) ?? "");
    for (const garbled of ["not a bookmark", "first-primary", 42, "0000/../../etc", "".padEnd(5000, "a")]) {
      // No CSRF token in the forged cookie, so the page mints one and writes the cookie back.
      const forged = await signSessionCookie({ token: data?.token, bookmark: garbled }, CURRENT_SECRET);
      browser.cookies.set(SESSION_COOKIE, forged);
      const db = recordingDb();
      const response = await callWorker(requestFrom(browser, "/dash/"), { ...env, DB: db.binding });
      expect(response.status).toBe(200);
      expect(db.sessions).toEqual(["first-unconstrained"]);
      const written = response.headers
        .getSetCookie()
        .find((line) => line.startsWith(`${SESSION_COOKIE}=`))
        ?.split(";")[0]
        ?.slice(SESSION_COOKIE.length + 1);
      const rewritten = await readSessionCookie(written ?? "");
      expect(rewritten?.token).toBe(data?.token);
      expect(rewritten?.bookmark).not.toEqual(garbled);
      expect(rewritten?.bookmark).toMatch(BOOKMARK);
    }
  });
});

describe("decisions read the primary", () => {
  it('every POST opens its D1 session on the primary ("first-primary"), even with a bookmark in the cookie', async () => {
    const credentials = await registerThroughForm();
    const { browser } = await signedInBrowser(credentials);
    expect(await bookmarkIn(browser)).toMatch(BOOKMARK);
    await browser.get("/account/");
    const posts: [string, Record<string, string>][] = [
      ["/account/", { first_name: "Ada", last_name: "Byron" }],
      [
        "/account/password/",
        { current_password: "wrong one", password: "x new pass 1", confirm_password: "x new pass 1" },
      ],
      ["/account/delete/", { password: "wrong one" }],
      ["/logout/", {}],
    ];
    for (const [path, fields] of posts) {
      const db = recordingDb();
      const body = new URLSearchParams({ csrf: browser.csrf ?? "", ...fields });
      const response = await callWorker(
        requestFrom(browser, path, {
          method: "POST",
          body,
          headers: { "Content-Type": "application/x-www-form-urlencoded", Origin: ORIGIN },
        }),
        { ...env, DB: db.binding },
      );
      expect(response.status, path).toBeLessThan(500);
      expect(db.sessions, path).toEqual(["first-primary"]);
    }
  });

  it("a login POST decides on the primary", async () => {
    const credentials = await registerThroughForm();
    const browser = new TestBrowser();
    await browser.get("/login/");
    const db = recordingDb();
    const body = new URLSearchParams({ csrf: browser.csrf ?? "", email: credentials.email ?? "", password: "wrong" });
    await callWorker(
      requestFrom(browser, "/login/", {
        method: "POST",
        body,
        headers: { "Content-Type": "application/x-www-form-urlencoded", Origin: ORIGIN },
      }),
      { ...env, DB: db.binding },
    );
    expect(db.sessions).toEqual(["first-primary"]);
  });
});

describe("transient D1 errors: reads are retried (bounded), writes are not", () => {
  it("a read that fails twice with a transient error succeeds on the third attempt", async () => {
    const db = recordingDb(/^select/, 2);
    const response = await callWorker(new Request(`${ORIGIN}/healthcheck/`), { ...env, DB: db.binding });
    expect(response.status).toBe(200);
    expect([...db.attempts.values()]).toEqual([3]);
    expect(response.headers.get("Server-Timing")).toMatch(/desc="3 round trips"/);
  });

  it("a read that keeps failing gives up after 3 attempts (the healthcheck says the database is down)", async () => {
    const db = recordingDb(/^select/, 100);
    const quiet = console.error;
    console.error = () => {};
    try {
      const response = await callWorker(new Request(`${ORIGIN}/healthcheck/`), { ...env, DB: db.binding });
      expect(response.status).toBe(503);
    } finally {
      console.error = quiet;
    }
    expect([...db.attempts.values()]).toEqual([3]);
  });

  it("a write that meets a transient error is sent once, never repeated", async () => {
    const browser = new TestBrowser();
    await browser.get("/register/");
    const user = newUser();
    // Registration writes the user and the confirmation link in one batch.
    const db = recordingDb(/^batch of/, 1);
    const body = new URLSearchParams({ csrf: browser.csrf ?? "", ...user });
    const quiet = console.error;
    console.error = () => {};
    try {
      const response = await callWorker(
        requestFrom(browser, "/register/", {
          method: "POST",
          body,
          headers: { "Content-Type": "application/x-www-form-urlencoded", Origin: ORIGIN },
        }),
        { ...env, DB: db.binding },
      );
      expect(response.status).toBe(500);
    } finally {
      console.error = quiet;
    }
    const writes = [...db.attempts].filter(([query]) => query.startsWith("batch of"));
    expect(writes.map(([, count]) => count)).toEqual([1]);
  });
});

describe("Server-Timing: D1 round trips and time, and the total, nothing more", () => {
  const metrics = (response: Response) =>
    (response.headers.get("Server-Timing") ?? "").split(",").map((metric) => metric.trim().split(";")[0]);

  it("a signed-out page made no D1 round trip; a signed-in one made one; the healthcheck one", async () => {
    const visitor = new TestBrowser();
    const home = await visitor.fetch("/");
    expect(home.headers.get("Server-Timing")).toMatch(/^d1;dur=\d+;desc="0 round trips", total;dur=\d+$/);
    const { browser } = await signedInBrowser(await registerThroughForm());
    const dash = await browser.fetch("/dash/");
    expect(dash.headers.get("Server-Timing")).toMatch(/desc="1 round trip"/);
    const health = await new TestBrowser().fetch("/healthcheck/");
    expect(health.headers.get("Server-Timing")).toMatch(/desc="1 round trip"/);
    expect(metrics(health)).toEqual(["d1", "total"]);
  });

  it("a failed login looks the same for an unknown email and a wrong password", async () => {
    const user = await registerThroughForm();
    const timings: string[] = [];
    for (const email of [user.email ?? "", `nobody-${Date.now()}@example.com`]) {
      const browser = new TestBrowser();
      await browser.get("/login/");
      const { response } = await browser.post("/login/", { email, password: "wrong password 123" });
      expect(response.status).toBe(400);
      expect(metrics(response)).toEqual(["d1", "total"]);
      timings.push((response.headers.get("Server-Timing") ?? "").replace(/dur=\d+/g, "dur=N"));
    }
    expect(timings[0]).toBe(timings[1]);
  });
});
