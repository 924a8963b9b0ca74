// app/env.server.ts: the one schema for the worker's secrets and variables, as the worker reads
// them (readEnv) and as the deploy script checks wrangler.toml's [vars] (envProblems).
import { describe, expect, it } from "vitest";
import { EnvError, envProblems, readEnv } from "~/env.server";

describe("secret lists (SESSION_SECRET, TOTP_SECRET: comma-separated for rotation)", () => {
  it.each(["SESSION_SECRET", "TOTP_SECRET"] as const)(
    "%s: split, trimmed, in order (the first makes new values)",
    (name) => {
      expect(readEnv({ [name]: " new-secret , old-secret " }, name)).toEqual(["new-secret", "old-secret"]);
      expect(readEnv({ [name]: "only-one" }, name)).toEqual(["only-one"]);
    },
  );

  it.each([
    ["missing", undefined],
    ["empty", ""],
    ["blank", "   "],
    ["only commas", " , ,"],
  ])(
    "throws EnvError naming SESSION_SECRET and how to set it when it is %s (never a built-in fallback)",
    (_case, value) => {
      expect(() => readEnv({ SESSION_SECRET: value }, "SESSION_SECRET")).toThrow(EnvError);
      expect(() => readEnv({ SESSION_SECRET: value }, "SESSION_SECRET")).toThrow(
        /^SESSION_SECRET is not set: run `wrangler secret put SESSION_SECRET`/,
      );
    },
  );
});

describe("MAIL_FROM", () => {
  it("is read trimmed and lowercased", () => {
    expect(readEnv({ MAIL_FROM: " No-Reply@Example.com " }, "MAIL_FROM")).toBe("no-reply@example.com");
  });

  it.each([
    [undefined, "is not set"],
    ["", "is not set"],
    ["not an address", "is not an email address"],
    ["a@b", "is not an email address"],
    [`${"a".repeat(250)}@example.com`, "is not an email address"],
  ])("%j: %s, and where to set it", (value, problem) => {
    expect(() => readEnv({ MAIL_FROM: value }, "MAIL_FROM")).toThrow(
      `MAIL_FROM ${problem}: set it in wrangler.toml [vars]`,
    );
  });
});

describe("APP_ORIGIN", () => {
  it.each([
    ["https://auth.example.com", "https://auth.example.com"],
    ["https://auth.example.com/", "https://auth.example.com"],
    ["http://localhost:8787", "http://localhost:8787"],
    ["http://127.0.0.1:5173", "http://127.0.0.1:5173"],
  ])("%s reads as the origin %s", (value, origin) => {
    expect(readEnv({ APP_ORIGIN: value }, "APP_ORIGIN")).toBe(origin);
  });

  it.each([
    [undefined, "is not set"],
    ["auth.example.com", "is not a URL"],
    ["http://auth.example.com", "must be https (http only for localhost)"],
    ["ftp://auth.example.com", "must be https (http only for localhost)"],
    ["https://auth.example.com/some/path", "must be an origin only"],
    ["https://auth.example.com/?x=1", "must be an origin only"],
  ])("%j: %s", (value, problem) => {
    expect(() => readEnv({ APP_ORIGIN: value }, "APP_ORIGIN")).toThrow(`APP_ORIGIN ${problem}`);
  });
});

describe("PWNED_PASSWORDS_URL", () => {
  it("unset means the breach check is off (no built-in default), and takes a local stand-in", () => {
    expect(readEnv({}, "PWNED_PASSWORDS_URL")).toBeUndefined();
    expect(readEnv({ PWNED_PASSWORDS_URL: "" }, "PWNED_PASSWORDS_URL")).toBeUndefined();
    expect(readEnv({ PWNED_PASSWORDS_URL: "http://127.0.0.1:9999/range/" }, "PWNED_PASSWORDS_URL")).toBe(
      "http://127.0.0.1:9999/range/",
    );
  });

  it("refuses plain http to another host, and a URL the 5 hex digits cannot follow", () => {
    expect(() => readEnv({ PWNED_PASSWORDS_URL: "http://pwned.example.com/range/" }, "PWNED_PASSWORDS_URL")).toThrow(
      "PWNED_PASSWORDS_URL must be https",
    );
    expect(() =>
      readEnv({ PWNED_PASSWORDS_URL: "https://api.pwnedpasswords.com/range" }, "PWNED_PASSWORDS_URL"),
    ).toThrow("PWNED_PASSWORDS_URL must end with /");
  });
});

describe("envProblems (the deploy script's check of wrangler.toml [vars])", () => {
  it("lists each missing or malformed variable once, without its value", () => {
    expect(
      envProblems({ MAIL_FROM: "not an address", APP_ORIGIN: "http://auth.example.com" }, ["MAIL_FROM", "APP_ORIGIN"]),
    ).toEqual(["MAIL_FROM is not an email address", "APP_ORIGIN must be https (http only for localhost)"]);
    expect(envProblems({}, ["MAIL_FROM"])).toEqual(["MAIL_FROM is not set"]);
  });

  it("is empty when every variable holds", () => {
    expect(
      envProblems({ MAIL_FROM: "no-reply@example.com", APP_ORIGIN: "https://auth.example.com" }, [
        "MAIL_FROM",
        "APP_ORIGIN",
      ]),
    ).toEqual([]);
  });
});
