// docs/product.md "Errors and bad input": unknown URLs (404 in the layout), bodies over 64 KiB (413), POSTs that
// are not forms (415), each refused before anything is processed.
import { describe, expect, it, vi } from "vitest";
import { messages } from "~/messages";
import { type Fields, newUser, registerThroughForm, signedInBrowser, TestBrowser, textOf } from "../helpers/browser";
import { countUsers } from "../helpers/db";
import { select, selectOne } from "../helpers/html";

const LIMIT = 64 * 1024;

describe("an unknown URL", () => {
  it.each(["/no-such-page/", "/a/b/c/", "/dash/extra/", "/login/extra/"])(
    "%s: 404 page in the site's layout with a link home",
    async (path) => {
      const { response, html } = await new TestBrowser().get(path);
      expect(response.status).toBe(404);
      expect(response.headers.get("Content-Type")).toBe("text/html; charset=utf-8");
      expect((await selectOne(html, "main h1")).text).toBe("Page not found");
      expect(textOf(html)).toContain(messages.notFound);
      expect((await select(html, 'main a[href="/"]')).length).toBe(1);
      // The layout: the site header with its links.
      expect((await select(html, 'header a[href="/login/"]')).length).toBe(1);
      expect((await selectOne(html, "title")).text).toContain("Page not found");
    },
  );

  it("slash-less: 308 to the slashed form, which is the 404", async () => {
    const browser = new TestBrowser();
    const { response } = await browser.get("/no-such-page");
    expect(response.status).toBe(308);
    expect((await browser.get(response.headers.get("Location") ?? "")).response.status).toBe(404);
  });

  it("signed in, the header still shows the user", async () => {
    const { browser } = await signedInBrowser(await registerThroughForm(newUser({ first_name: "Evelyn" })));
    const { response, html } = await browser.get("/no-such-page/");
    expect(response.status).toBe(404);
    expect((await selectOne(html, "header")).text).toContain("Evelyn");
  });
});

/** A urlencoded registration body of exactly `size` bytes (padded with an extra field). */
function registrationBody(fields: Fields, size: number): Uint8Array<ArrayBuffer> {
  const base = new URLSearchParams(fields).toString();
  const padding = size - base.length - "&padding=".length;
  if (padding < 0) throw new Error("size too small");
  return new TextEncoder().encode(`${base}&padding=${"a".repeat(padding)}`);
}

async function registrationPage() {
  const browser = new TestBrowser();
  await browser.get("/register/");
  const fields = newUser();
  return { browser, fields, all: { ...fields, csrf: browser.csrf ?? "" } };
}

const formHeaders = {
  "Content-Type": "application/x-www-form-urlencoded",
  Origin: "http://localhost",
  "Sec-Fetch-Site": "same-origin",
};

describe("a form body over 64 KiB: 413, nothing processed", () => {
  it("control: exactly 64 KiB is accepted (the registration goes through)", async () => {
    const { browser, fields, all } = await registrationPage();
    const body = registrationBody(all, LIMIT);
    expect(body.byteLength).toBe(LIMIT);
    const response = await browser.fetch("/register/", { method: "POST", headers: formHeaders, body });
    expect(response.status).toBe(303);
    expect(await countUsers(fields.email ?? "")).toBe(1);
  });

  it("64 KiB + 1 byte with a Content-Length: 413, no user", async () => {
    const { browser, fields, all } = await registrationPage();
    const body = registrationBody(all, LIMIT + 1);
    const response = await browser.fetch("/register/", { method: "POST", headers: formHeaders, body });
    expect(response.status).toBe(413);
    expect(textOf(await response.text())).toContain(messages.bodyTooLarge);
    expect(await countUsers(fields.email ?? "")).toBe(0);
  });

  it("streamed in chunks without a Content-Length: 413, no user", async () => {
    const { browser, fields, all } = await registrationPage();
    const body = registrationBody(all, LIMIT + 1024);
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let offset = 0; offset < body.byteLength; offset += 8192) {
          controller.enqueue(body.slice(offset, offset + 8192));
        }
        controller.close();
      },
    });
    const response = await browser.fetch("/register/", { method: "POST", headers: formHeaders, body: stream });
    expect(response.status).toBe(413);
    expect(await countUsers(fields.email ?? "")).toBe(0);
  });

  it("a declared Content-Length over the limit is refused before the body is read", async () => {
    const { browser, fields, all } = await registrationPage();
    const response = await browser.fetch("/register/", {
      method: "POST",
      headers: formHeaders,
      body: registrationBody(all, 10 * LIMIT),
    });
    expect(response.status).toBe(413);
    expect(await countUsers(fields.email ?? "")).toBe(0);
  });

  it("a huge multipart login: 413, no login", async () => {
    const user = await registerThroughForm();
    const browser = new TestBrowser();
    await browser.get("/login/");
    const form = new FormData();
    form.set("csrf", browser.csrf ?? "");
    form.set("email", user.email ?? "");
    form.set("password", user.password ?? "");
    form.set("padding", "x".repeat(LIMIT));
    const response = await browser.fetch("/login/", {
      method: "POST",
      headers: { Origin: "http://localhost" },
      body: form,
    });
    expect(response.status).toBe(413);
    expect(response.headers.getSetCookie()).toEqual([]);
  });
});

describe("a POST that is not a form: 415, nothing processed", () => {
  it.each([
    ["JSON", "application/json", (all: Fields) => JSON.stringify(all)],
    ["plain text", "text/plain", (all: Fields) => new URLSearchParams(all).toString()],
    ["no Content-Type", null, (all: Fields) => new URLSearchParams(all).toString()],
    ["XML", "application/xml", () => "<register/>"],
  ])("%s: 415 or 400, no user", async (_case, type, encode) => {
    const { browser, fields, all } = await registrationPage();
    const headers = new Headers({ Origin: "http://localhost" });
    if (type) headers.set("Content-Type", type);
    const response = await browser.fetch("/register/", {
      method: "POST",
      headers,
      body: type === null ? new TextEncoder().encode(encode(all)) : encode(all),
    });
    expect([400, 415]).toContain(response.status);
    expect(textOf(await response.text())).toContain(messages.notAForm);
    expect(await countUsers(fields.email ?? "")).toBe(0);
  });

  it("control: multipart/form-data is a form, and registers", async () => {
    const { browser, fields, all } = await registrationPage();
    const form = new FormData();
    for (const [name, value] of Object.entries(all)) form.set(name, value);
    const response = await browser.fetch("/register/", {
      method: "POST",
      headers: { Origin: "http://localhost" },
      body: form,
    });
    expect(response.status).toBe(303);
    expect(await countUsers(fields.email ?? "")).toBe(1);
  });

  it("a form Content-Type with a body that is not one: 400, never a 500", async () => {
    const { browser } = await registrationPage();
    const response = await browser.fetch("/register/", {
      method: "POST",
      headers: { Origin: "http://localhost", "Content-Type": "multipart/form-data; boundary=xyz" },
      body: "this is not multipart",
    });
    expect(response.status).toBe(400);
  });
});

describe("Remix's pre-single-fetch data protocol (?_data)", () => {
  it.each(["/?_data=root", "/login/?_data=routes%2Flogin", "/dash/?_data=routes%2Fdash"])(
    "%s: 400 with a clear page, not an unhandled error",
    async (path) => {
      const { response, html } = await new TestBrowser().get(path);
      expect(response.status).toBe(400);
      expect(textOf(html)).toContain(messages.badRequestTarget);
    },
  );

  it.each(["/login/?_data=routes%2Flogin", "/register/?_data=routes%2Fregister", "/logout/?_data=routes%2Flogout"])(
    "POST %s: 400 with a clear page, nothing processed, nothing logged as an error",
    async (path) => {
      const errors: unknown[] = [];
      const spy = vi.spyOn(console, "error").mockImplementation((...args) => errors.push(args));
      try {
        const browser = new TestBrowser();
        await browser.get("/login/");
        const { response, html } = await browser.post(path, { email: "a@example.com", password: "whatever it is" });
        expect(response.status).toBe(400);
        expect(textOf(html)).toContain(messages.badRequestTarget);
      } finally {
        spy.mockRestore();
      }
      expect(errors).toEqual([]);
    },
  );
});
