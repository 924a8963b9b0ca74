// docs/product.md "Healthcheck" (working database): a resource route for monitors — exact text, no HTML,
// no session, no Set-Cookie, never cached.
import { SELF } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { registerThroughForm, signedInBrowser } from "../helpers/browser";

const URL = "http://localhost/healthcheck/";

function expectHealthHeaders(response: Response) {
  expect(response.headers.get("Content-Type")).toBe("text/plain; charset=utf-8");
  expect(response.headers.get("Cache-Control")).toBe("no-store");
  expect(response.headers.getSetCookie()).toEqual([]);
}

describe("GET /healthcheck/", () => {
  it('200 "The app and database are working fine", text/plain, no-store, no cookie', async () => {
    const response = await SELF.fetch(URL);
    expect(response.status).toBe(200);
    expectHealthHeaders(response);
    expect(await response.text()).toBe("The app and database are working fine");
  });

  it("sets no cookie even for a signed-in browser or one with a garbled cookie", async () => {
    const { browser } = await signedInBrowser(await registerThroughForm());
    for (const cookie of [browser.cookieHeader(), "__session=%%%garbage"]) {
      const response = await SELF.fetch(URL, { headers: { Cookie: cookie } });
      expect(response.status).toBe(200);
      expectHealthHeaders(response);
      expect(await response.text()).toBe("The app and database are working fine");
    }
  });

  it("is plain text, not an HTML page", async () => {
    const body = await (await SELF.fetch(URL)).text();
    expect(body).not.toContain("<");
  });
});

describe("HEAD /healthcheck/", () => {
  it("200 with the same headers and no body", async () => {
    const response = await SELF.fetch(URL, { method: "HEAD" });
    expect(response.status).toBe(200);
    expectHealthHeaders(response);
    expect(await response.text()).toBe("");
  });
});
