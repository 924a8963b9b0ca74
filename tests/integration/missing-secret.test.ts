// docs/product.md "Sessions": SESSION_SECRET missing in a deployed worker — every page answers 500 and the log
// says what is missing; never a built-in secret. And docs/product.md "Errors": the 500 page is "Something went
// wrong", with no stack trace or internals. The worker's own fetch handler is called with the test's
// bindings minus the secret (the vitest plugin has one set of bindings per config).
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { callWorker } from "../helpers/worker";

afterEach(() => {
  vi.restoreAllMocks();
});

const withoutSecret: Env = { ...env, SESSION_SECRET: undefined };

function loginPost(): Request {
  return new Request("http://localhost/login/", {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded", Origin: "http://localhost" },
    body: new URLSearchParams({ csrf: "x", email: "a@example.com", password: "whatever pass" }),
  });
}

describe("SESSION_SECRET missing", () => {
  it("control: with the secret, the same call answers 200", async () => {
    expect((await callWorker(new Request("http://localhost/login/"), env)).status).toBe(200);
  });

  it.each(["/", "/login/", "/register/", "/dash/", "/logout/", "/no-such-page/"])(
    'GET %s: 500 "Something went wrong", nothing internal, no cookie, and the log names SESSION_SECRET',
    async (path) => {
      const errors = vi.spyOn(console, "error").mockImplementation(() => {});
      const response = await callWorker(new Request(`http://localhost${path}`), withoutSecret);
      expect(response.status).toBe(500);
      expect(response.headers.getSetCookie()).toEqual([]);
      const body = await response.text();
      expect(body).toContain("Something went wrong");
      expect(body).not.toMatch(/SESSION_SECRET|MissingSecret|wrangler|\bat \S+:\d+/);
      const logged = errors.mock.calls.map((call) => call.map(String).join(" ")).join("\n");
      expect(logged).toContain("SESSION_SECRET");
    },
  );

  it("POST /login/: 500, no session cookie signed with some fallback", async () => {
    vi.spyOn(console, "error").mockImplementation(() => {});
    const response = await callWorker(loginPost(), withoutSecret);
    expect(response.status).toBe(500);
    expect(response.headers.getSetCookie()).toEqual([]);
  });

  it.each([
    ["empty", ""],
    ["only commas and spaces", " , "],
  ])("%s counts as missing", async (_case, secret) => {
    vi.spyOn(console, "error").mockImplementation(() => {});
    const response = await callWorker(new Request("http://localhost/"), { ...env, SESSION_SECRET: secret });
    expect(response.status).toBe(500);
  });
});
