// Body and method limits hold for every route, before any route code runs.
import { SELF } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { TestBrowser } from "../../helpers/browser";

describe("methods", () => {
  it.each(["PUT", "PATCH", "DELETE", "OPTIONS"])("answers %s with 405 and an Allow header", async (method) => {
    for (const path of ["/", "/login/", "/register/", "/logout/", "/dash/"]) {
      const response = await SELF.fetch(`http://localhost${path}`, { method });
      expect(response.status, `${method} ${path}`).toBe(405);
      expect(response.headers.get("Allow")).toBe("GET, HEAD, POST");
    }
  });

  it("answers a POST to a page without a form with 405, not 500", async () => {
    const browser = new TestBrowser();
    await browser.get("/login/");
    for (const path of ["/", "/dash/", "/healthcheck/", "/no-such-page/"]) {
      const { response } = await browser.post(path, {});
      expect(response.status, path).toBe(405);
    }
  });
});

describe("bodies", () => {
  it("refuses a declared body over 64 KiB with 413 before reading it", async () => {
    let pulled = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        pulled += 1;
        controller.enqueue(new Uint8Array(1024));
        if (pulled >= 100) controller.close();
      },
    });
    const response = await SELF.fetch("http://localhost/login/", {
      method: "POST",
      body,
      headers: { "Content-Type": "application/x-www-form-urlencoded", "Content-Length": String(100 * 1024) },
      // @ts-expect-error: workerd needs duplex for a streamed request body
      duplex: "half",
    });
    expect(response.status).toBe(413);
  });

  it("stops reading a chunked body at the limit", async () => {
    let sent = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        sent += 16 * 1024;
        controller.enqueue(new TextEncoder().encode("a".repeat(16 * 1024)));
        if (sent >= 1024 * 1024) controller.close();
      },
    });
    const response = await SELF.fetch("http://localhost/login/", {
      method: "POST",
      body,
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      // @ts-expect-error: workerd needs duplex for a streamed request body
      duplex: "half",
    });
    expect(response.status).toBe(413);
    expect(sent).toBeLessThan(1024 * 1024);
  });

  it.each([
    ["application/json", '{"email":"a@b.co"}'],
    ["text/plain", "email=a@b.co"],
    ["", "email=a@b.co"],
  ])("refuses a %s body with 415", async (type, body) => {
    const response = await SELF.fetch("http://localhost/login/", {
      method: "POST",
      body,
      headers: type ? { "Content-Type": type } : {},
    });
    expect(response.status).toBe(415);
  });
});

describe("Remix's own endpoints", () => {
  it("serves route discovery at /__manifest without the slash redirect", async () => {
    const page = await (await SELF.fetch("http://localhost/")).text();
    const version = /"version":\s*"([0-9a-f]+)"/.exec(page)?.[1];
    expect(version).toBeTruthy();
    const response = await SELF.fetch(`http://localhost/__manifest?p=%2Flogin%2F&version=${version}`);
    expect(response.status).toBe(200);
    expect(await response.json()).toHaveProperty(["routes/login"]);
  });
});
