// docs/product.md "Safe next": only a local path (single leading `/`, not `//` nor `/\`, no scheme, no control or
// whitespace characters, not back at /login/ or /logout/); anything else falls back to /dash/.
// No open redirect: a login link can never send anyone to another site.
import { describe, expect, it } from "vitest";
import { DEFAULT_REDIRECT, isSafeRedirect, safeRedirect } from "~/safe-redirect";

const hostile: [reason: string, target: unknown][] = [
  ["protocol-relative //", "//evil.example"],
  ["protocol-relative with path", "//evil.example/dash/"],
  ["triple slash", "///evil.example"],
  ["slash-backslash (browsers read \\ as /)", "/\\evil.example"],
  ["slash-backslash-slash", "/\\/evil.example"],
  ["double backslash", "\\\\evil.example"],
  ["backslash-slash", "\\/evil.example"],
  ["absolute https URL", "https://evil.example"],
  ["absolute http URL with a local-looking path", "http://evil.example/dash/"],
  ["upper-case scheme", "HTTPS://evil.example"],
  ["scheme with one slash", "https:/evil.example"],
  ["javascript: URL", "javascript:alert(1)"],
  ["mixed-case javascript: URL", "JaVaScRiPt:alert(1)"],
  ["javascript: with a newline trick", "javascript://%0Aalert(1)"],
  ["data: URL", "data:text/html,<script>alert(1)</script>"],
  ["encoded // without a leading slash", "%2F%2Fevil.example"],
  ["encoded // after a slash", "/%2F%2Fevil.example"],
  ["encoded backslash after a slash", "/%5Cevil.example"],
  ["tab inside //", "/\t/evil.example"],
  ["encoded tab inside //", "/%09/evil.example"],
  ["newline inside //", "/\n/evil.example"],
  ["encoded newline inside //", "/%0A/evil.example"],
  ["leading space", " /dash/"],
  ["leading tab", "\t/dash/"],
  ["trailing newline", "/dash/\n"],
  ["trailing CRLF (header splitting)", "/dash/\r\nSet-Cookie: x=1"],
  ["NUL byte", "/dash/\u0000"],
  ["NEL control character", "/dash/\u0085"],
  ["zero-width space", "/\u200b/evil.example"],
  ["ideographic space", "/\u3000/evil.example"],
  ["no leading slash (relative)", "dash/"],
  ["bare host", "evil.example"],
  ["query only", "?next=/dash/"],
  ["fragment only", "#top"],
  ["the login page", "/login/"],
  ["the logout page", "/logout/"],
  ["login without its slash", "/login"],
  ["logout without its slash", "/logout"],
  ["login in capitals", "/LOGIN"],
  ["logout in mixed case", "/LogOut/"],
  ["login with a query", "/login?x"],
  ["login/ with a next of its own", "/login/?next=%2Fdash%2F"],
  ["login with a fragment", "/login#x"],
  ["login through /./", "/./login/"],
  ["login through /../", "/foo/../login/"],
  ["login percent-encoded", "/%6C%6F%67%69%6E/"],
  ["logout double-encoded", "/%256Cogout/"],
  ["empty string", ""],
  ["undefined", undefined],
  ["null", null],
  ["a number", 42],
  ["an object", { toString: () => "/dash/" }],
  ["an array", ["/dash/"]],
  ["a File-like value from FormData", new Blob(["/dash/"])],
  ["very long", `/${"a".repeat(5000)}`],
];

const good: string[] = [
  "/",
  "/dash/",
  "/dash/?tab=1",
  "/a/b#c",
  "/register/",
  "/dash/?next=%2F%2Fevil.example",
  "/dash/?q=a%20b&r=%2Flogin%2F",
  "/logins-help/",
];

describe("isSafeRedirect: hostile `next` values are refused", () => {
  it(`covers at least 25 hostile inputs (${hostile.length})`, () => {
    expect(hostile.length).toBeGreaterThanOrEqual(25);
  });

  it.each(hostile)("refuses %s", (_reason, target) => {
    expect(isSafeRedirect(target)).toBe(false);
    expect(safeRedirect(target)).toBe(DEFAULT_REDIRECT);
  });
});

describe("isSafeRedirect: local paths are followed as given", () => {
  it.each(good)("accepts %j", (target) => {
    expect(isSafeRedirect(target)).toBe(true);
    expect(safeRedirect(target)).toBe(target);
  });
});

describe("safeRedirect", () => {
  it("falls back to /dash/ by default", () => {
    expect(DEFAULT_REDIRECT).toBe("/dash/");
    expect(safeRedirect(null)).toBe("/dash/");
  });

  it("uses the given fallback for a hostile target", () => {
    expect(safeRedirect("//evil.example", "/")).toBe("/");
  });
});
