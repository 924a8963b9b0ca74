// app/http/request-guard.server.ts on its own: what it answers itself, and the request it hands on.
// (tests/integration/bad-requests.test.ts and security/request-limits.test.ts go through the worker.)
import { env } from "cloudflare:workers";
import { describe, expect, it, vi } from "vitest";
import { config } from "~/config";
import { guardRequest } from "~/http/request-guard.server";

const FORM = { "Content-Type": "application/x-www-form-urlencoded", Origin: "http://localhost" };

async function guard(url: string, init: RequestInit = {}): Promise<Request | Response> {
  vi.spyOn(console, "log").mockImplementation(() => {}); // the audit line of a refused post
  return guardRequest(new Request(url, init), env);
}

describe("guardRequest", () => {
  it("redirects a page URL without its slash (308, query kept) and leaves files alone", async () => {
    const answer = await guard("http://localhost/login?next=%2Fdash%2F");
    expect(answer).toBeInstanceOf(Response);
    expect((answer as Response).status).toBe(308);
    expect((answer as Response).headers.get("Location")).toBe("http://localhost/login/?next=%2Fdash%2F");
    expect(await guard("http://localhost/favicon.ico")).toBeInstanceOf(Request);
  });

  it("keeps a protocol-relative path on this origin", async () => {
    const answer = (await guard("http://localhost//evil.example/x")) as Response;
    expect(new URL(answer.headers.get("Location") ?? "").origin).toBe("http://localhost");
  });

  it("refuses other methods (405 with Allow) and the old ?_data protocol (400)", async () => {
    const put = (await guard("http://localhost/login/", { method: "PUT" })) as Response;
    expect(put.status).toBe(405);
    expect(put.headers.get("Allow")).toBe("GET, HEAD, POST");
    expect(((await guard("http://localhost/login/?_data=root")) as Response).status).toBe(400);
  });

  it("refuses a cross-site POST (403), a body over the limit (413) and a body that is not a form (415)", async () => {
    const crossSite = await guard("http://localhost/login/", {
      method: "POST",
      body: "a=1",
      headers: { ...FORM, Origin: "https://evil.example" },
    });
    expect((crossSite as Response).status).toBe(403);
    const large = await guard("http://localhost/login/", {
      method: "POST",
      body: `a=${"x".repeat(config.maxBodyBytes)}`,
      headers: FORM,
    });
    expect((large as Response).status).toBe(413);
    const json = await guard("http://localhost/login/", {
      method: "POST",
      body: "{}",
      headers: { ...FORM, "Content-Type": "application/json" },
    });
    expect((json as Response).status).toBe(415);
  });

  it("hands on a same-origin form POST with its body, Host set to the URL's and X-Forwarded-Host dropped", async () => {
    const passed = await guard("http://localhost/login/", {
      method: "POST",
      body: "email=a%40example.com",
      headers: { ...FORM, "X-Forwarded-Host": "evil.example" },
    });
    expect(passed).toBeInstanceOf(Request);
    const request = passed as Request;
    expect(request.headers.get("X-Forwarded-Host")).toBeNull();
    expect(request.headers.get("Host")).toBe("localhost");
    expect(await request.text()).toBe("email=a%40example.com");
  });
});
