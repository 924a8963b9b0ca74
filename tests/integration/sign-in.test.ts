// completeSignIn (app/auth/sign-in.server.ts), what every successful sign-in ends in: the browser is
// recognised for the account (`recognised_devices`, the `__device` cookie), the browser-and-system
// pair is recorded (`sign_in_devices`), and a pair not seen before on an account that has signed in
// before sends "New sign-in to your account" (docs/product.md "Security notices").
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { registerThroughForm, TestBrowser } from "../helpers/browser";
import { mailTo } from "../helpers/mailbox";

const FIREFOX_LINUX = "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0";
const CHROME_WINDOWS =
  "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";

async function logInWith(
  email: string,
  password: string,
  userAgent: string,
  browser = new TestBrowser({ awaitBackgroundWork: true }),
) {
  const headers = { "User-Agent": userAgent };
  await browser.get("/login/", { headers });
  const { response } = await browser.post("/login/", { email, password }, { headers });
  expect(response.status).toBe(303);
  return browser;
}

const NEW_SIGN_IN = "New sign-in to your account";
const notices = async (email: string) => (await mailTo(email, NEW_SIGN_IN)).texts.length;

describe("a successful sign-in", () => {
  it("notices a new browser-and-system pair, but not the first sign-in nor a pair seen before", async () => {
    const user = await registerThroughForm();
    const email = user.email ?? "";
    const password = user.password ?? "";
    await logInWith(email, password, FIREFOX_LINUX);
    expect(await notices(email)).toBe(0);
    await logInWith(email, password, FIREFOX_LINUX);
    expect(await notices(email)).toBe(0);
    await logInWith(email, password, CHROME_WINDOWS);
    expect(await notices(email)).toBe(1);
    const [text = ""] = (await mailTo(email, NEW_SIGN_IN)).texts;
    expect(text).toContain("Chrome on Windows");
    expect(text).toContain("/account/");
    const { results } = await env.DB.prepare(
      "SELECT device FROM sign_in_devices JOIN users ON users.id = sign_in_devices.user_id WHERE email = ? ORDER BY device",
    )
      .bind(email)
      .all<{ device: string }>();
    expect(results.map((row) => row.device)).toEqual(["Chrome on Windows", "Firefox on Linux"]);
  });

  it("recognises the browser for that account: one row per browser, found by the cookie's hashed id", async () => {
    const user = await registerThroughForm();
    const email = user.email ?? "";
    const browser = await logInWith(email, user.password ?? "", FIREFOX_LINUX);
    const firstId = browser.cookies.get("__device");
    await browser.get("/dash/");
    await browser.post("/logout/", {});
    await logInWith(email, user.password ?? "", FIREFOX_LINUX, browser);
    expect(browser.cookies.get("__device")).toBe(firstId);
    await logInWith(email, user.password ?? "", FIREFOX_LINUX);
    const row = await env.DB.prepare(
      "SELECT count(*) AS n FROM recognised_devices JOIN users ON users.id = recognised_devices.user_id WHERE email = ?",
    )
      .bind(email)
      .first<{ n: number }>();
    expect(row?.n).toBe(2);
    const stored = await env.DB.prepare("SELECT device_hash FROM recognised_devices").all<{ device_hash: string }>();
    const cookieText = decodeURIComponent(firstId ?? "");
    for (const { device_hash } of stored.results) expect(cookieText).not.toContain(device_hash);
  });
});
