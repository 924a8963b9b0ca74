// docs/product.md "Errors and bad input": text a user typed is always escaped where shown. ASVS 5.0 V1.2.1.
import { describe, expect, it } from "vitest";
import { newUser, registerThroughForm, signedInBrowser, TestBrowser, textOf } from "../helpers/browser";
import { selectOne } from "../helpers/html";

const SCRIPT = "<script>alert(1)</script>";
const IMG = "<img src=x onerror=alert(2)>";
const BREAKOUT = '"><script>alert(3)</script>';

/** No markup the user typed made it into the page as markup. */
function expectInert(html: string) {
  expect(html).not.toContain("<script>alert(");
  expect(html).not.toContain("<img src=x");
  expect(html).not.toContain(BREAKOUT);
}

describe("names and email shown on the dashboard and in the header", () => {
  it("a user named <script>alert(1)</script> <img …> sees the text, never the markup", async () => {
    const user = await registerThroughForm(
      newUser({ email: `<b>x${Date.now()}</b>@example.com`, first_name: SCRIPT, last_name: IMG }),
    );
    const { browser } = await signedInBrowser(user);
    const { html } = await browser.get("/dash/");
    expectInert(html);
    expect(html).toContain("&lt;script&gt;alert(1)&lt;/script&gt;");
    expect((await selectOne(html, "main h1")).text).toBe(`Welcome, ${SCRIPT} ${IMG}`);
    expect((await selectOne(html, "header .nav-user")).text).toBe(SCRIPT);
    expect(textOf(html)).toContain(user.email);
    // The loader data inlined for hydration is escaped too (no `</script>` can end its script tag early).
    expect(html.match(/<\/script>/g)?.length).toBe(html.match(/<script[\s>]/g)?.length);
  });
});

describe("values echoed back into forms", () => {
  it("the registration form returned with an error keeps the typed names as attribute text", async () => {
    const browser = new TestBrowser();
    await browser.get("/register/");
    const { response, html } = await browser.post(
      "/register/",
      newUser({
        email: BREAKOUT,
        first_name: BREAKOUT,
        last_name: SCRIPT,
        password: "short",
        confirm_password: "short",
      }),
    );
    expect(response.status).toBe(400);
    expectInert(html);
    expect((await selectOne(html, 'input[name="first_name"]')).attrs.value).toBe(BREAKOUT);
    expect((await selectOne(html, 'input[name="last_name"]')).attrs.value).toBe(SCRIPT);
    expect((await selectOne(html, 'input[name="email"]')).attrs.value).toBe(BREAKOUT);
  });

  it("the login form keeps the typed email as attribute text", async () => {
    const browser = new TestBrowser();
    await browser.get("/login/");
    const { html } = await browser.post("/login/", { email: BREAKOUT, password: "whatever pass" });
    expectInert(html);
    expect((await selectOne(html, 'input[name="email"]')).attrs.value).toBe(BREAKOUT);
  });

  it("a hostile next in the login URL lands in the hidden field as text", async () => {
    const { html } = await new TestBrowser().get(`/login/?next=${encodeURIComponent(BREAKOUT)}`);
    expectInert(html);
    expect((await selectOne(html, 'input[name="next"]')).attrs.value).toBe(BREAKOUT);
  });
});
