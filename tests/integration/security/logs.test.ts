// docs/product.md "Nothing secret in logs": no email address, name, password, hash, token or session
// id in any log line, including when a D1 statement fails (Drizzle's error quotes the statement's
// bound values). Real failures: the table a write needs is renamed away for the request. Its own
// file, as tables go missing here; everything the worker logs meanwhile is scanned.
import { env } from "cloudflare:workers";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { describeError } from "~/log.server";
import { newUser, registerThroughForm, signedInBrowser, TestBrowser } from "../../helpers/browser";

let logged: string[] = [];

beforeEach(() => {
  logged = [];
  for (const method of ["log", "error", "warn", "info", "debug"] as const) {
    vi.spyOn(console, method).mockImplementation((...args: unknown[]) => {
      logged.push(args.map((arg) => (typeof arg === "string" ? arg : (JSON.stringify(arg) ?? String(arg)))).join(" "));
    });
  }
});

afterEach(() => {
  vi.restoreAllMocks();
});

async function withTableGone<T>(table: string, run: () => Promise<T>): Promise<T> {
  await env.DB.exec(`ALTER TABLE ${table} RENAME TO ${table}_gone`);
  try {
    return await run();
  } finally {
    await env.DB.exec(`ALTER TABLE ${table}_gone RENAME TO ${table}`);
  }
}

function expectNothingSecret(secrets: string[]) {
  const text = logged.join("\n");
  expect(text).not.toBe("");
  for (const secret of secrets) expect(text).not.toContain(secret);
  expect(text).not.toMatch(/\$argon2/);
  expect(text).not.toMatch(/\b[0-9a-f]{64}\b/); // a session, token or key hash
  expect(text).not.toMatch(/params:/);
}

describe("a D1 statement fails", () => {
  it("registration: the error is logged without the email, names, password or hash", async () => {
    const user = newUser({ first_name: "Perpetua", last_name: "Quillfeather" });
    const browser = new TestBrowser();
    await browser.get("/register/");
    const { response } = await withTableGone("users", () => browser.post("/register/", user));
    expect(response.status).toBe(500);
    expect(logged.join("\n")).toMatch(/unhandled_error.*no such table: users/);
    expectNothingSecret([user.email ?? "", "Perpetua", "Quillfeather", user.password ?? "", "example.com"]);
  });

  it("login: the session write fails; nothing of the user, the session or the device is logged", async () => {
    const user = await registerThroughForm();
    logged = [];
    const browser = new TestBrowser();
    await browser.get("/login/");
    const { response } = await withTableGone("sessions", () =>
      browser.post("/login/", { email: user.email ?? "", password: user.password ?? "" }),
    );
    expect(response.status).toBe(500);
    expect(logged.join("\n")).toMatch(/unhandled_error.*no such table: sessions/);
    expectNothingSecret([user.email ?? "", user.password ?? "", "Ada", "Lovelace"]);
  });
});

describe("a single D1 statement fails (not a batch: Drizzle's error then quotes its bound values)", () => {
  it("a signed-in page: the session lookup fails; neither the session's hash nor the user is logged", async () => {
    const user = await registerThroughForm();
    const { browser } = await signedInBrowser(user);
    logged = [];
    const { response } = await withTableGone("users", () => browser.get("/dash/"));
    expect(response.status).toBe(500);
    expect(logged.join("\n")).toMatch(/unhandled_error.*no such table: users/);
    expectNothingSecret([user.email ?? "", user.password ?? ""]);
  });
});

describe("describeError", () => {
  it.each([
    new Error("no user named someone@example.com"),
    new Error("hash $argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNo was wrong"),
    new Error(`session ${"ab".repeat(32)} expired`),
    new Error(`token ${"Zx9_".repeat(11)} seen`),
    new Error("pbkdf2:sha256:260000$salt$abcdef is old"),
    "someone@example.com",
  ])("scrubs what looks like a secret: %s", (error) => {
    const text = describeError(error);
    expect(text).toContain("[redacted]");
    expect(text).not.toMatch(/someone@|argon2id\$v|abab|Zx9_Zx9_|260000\$salt/);
  });

  it("keeps only the cause of a failed query", () => {
    const failed = new Error('Failed query: insert into "users" values (?)\nparams: someone@example.com', {
      cause: new Error("D1_ERROR: no such table: users: SQLITE_ERROR"),
    });
    expect(describeError(failed)).toBe("query failed: Error: D1_ERROR: no such table: users: SQLITE_ERROR");
  });
});
