// docs/product.md "Healthcheck" (database not working): 503, a short text body with nothing internal, the error
// logged. Its own file: the users table is renamed away here, which would break any other test.
import { SELF } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { callWorker } from "../helpers/worker";

const URL = "http://localhost/healthcheck/";
const DOWN = "The database is not working";

afterEach(() => {
  vi.restoreAllMocks();
});

function expectDown(response: Response) {
  expect(response.status).toBe(503);
  expect(response.headers.get("Content-Type")).toBe("text/plain; charset=utf-8");
  expect(response.headers.get("Cache-Control")).toBe("no-store");
  expect(response.headers.getSetCookie()).toEqual([]);
}

function loggedText(spy: { mock: { calls: unknown[][] } }): string {
  return spy.mock.calls.map((call) => call.map(String).join(" ")).join("\n");
}

describe("the users table is missing", () => {
  it("GET: 503, the short message and nothing internal; the cause is logged; HEAD: 503 without a body", async () => {
    const errors = vi.spyOn(console, "error").mockImplementation(() => {});
    await env.DB.exec("ALTER TABLE users RENAME TO users_gone");
    try {
      const response = await SELF.fetch(URL);
      expectDown(response);
      const body = await response.text();
      expect(body).toBe(DOWN);
      expect(body).not.toMatch(/users|sqlite|table|D1|error/i);
      expect(loggedText(errors)).toMatch(/no such table: users/);

      const head = await SELF.fetch(URL, { method: "HEAD" });
      expectDown(head);
      expect(await head.text()).toBe("");
    } finally {
      await env.DB.exec("ALTER TABLE users_gone RENAME TO users");
    }
  });

  it("control: with the table back, 200 again", async () => {
    const response = await SELF.fetch(URL);
    expect(response.status).toBe(200);
    expect(await response.text()).toBe("The app and database are working fine");
  });
});

describe("the DB binding is broken", () => {
  it("control: the worker called directly with the real bindings answers 200", async () => {
    const response = await callWorker(new Request(URL), env);
    expect(response.status).toBe(200);
  });

  it("binding missing: 503 and logged", async () => {
    const errors = vi.spyOn(console, "error").mockImplementation(() => {});
    const response = await callWorker(new Request(URL), { ...env, DB: undefined as unknown as D1Database });
    expectDown(response);
    expect(await response.text()).toBe(DOWN);
    expect(loggedText(errors)).toContain("healthcheck_failed");
  });
});
