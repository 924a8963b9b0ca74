// The D1 budget of the account POSTs: each successful change is ONE write round trip (one batch),
// besides the guard's read of the session (every signed-in request has it) and, where a password is
// checked, one round trip that counts the check (throttle) and reads the hash. Counted with the bench's own proxy.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { type Counter, countDatabase } from "../../harness/d1-round-trips";
import {
  type Fields,
  newUser,
  ORIGIN,
  registerThroughForm,
  signedInBrowser,
  type TestBrowser,
} from "../helpers/browser";
import { callWorker } from "../helpers/worker";

/** One form POST from `browser`, through the whole worker, with D1 counted. */
async function countedPost(browser: TestBrowser, path: string, fields: Fields) {
  const counter: Counter = { roundTrips: 0, statements: 0 };
  const request = new Request(new URL(path, ORIGIN), {
    method: "POST",
    redirect: "manual",
    body: new URLSearchParams({ csrf: browser.csrf ?? "", ...fields }),
    headers: {
      Cookie: browser.cookieHeader(),
      "Content-Type": "application/x-www-form-urlencoded",
      Origin: ORIGIN,
      "Sec-Fetch-Site": "same-origin",
      "CF-Connecting-IP": browser.ip,
    },
  });
  const response = await callWorker(request, { ...env, DB: countDatabase(env.DB, counter) });
  return { status: response.status, ...counter };
}

async function signedIn() {
  const user = await registerThroughForm(newUser());
  const { browser } = await signedInBrowser(user);
  const other = (await signedInBrowser(user)).browser;
  await browser.get("/account/");
  return { user, browser, other };
}

describe("D1 round trips per successful account POST", () => {
  it("profile: guard read + 1 write", async () => {
    const { browser } = await signedIn();
    const counted = await countedPost(browser, "/account/", { first_name: "Ada", last_name: "Byron" });
    console.info("POST /account/", counted);
    expect(counted).toEqual({ status: 303, roundTrips: 2, statements: 2 });
  });

  it("sign out one device, and all others: guard read + 1 write each", async () => {
    const { browser } = await signedIn();
    const { html } = await browser.get("/account/");
    const reference = /name="session" value="([^"]+)"/.exec(html)?.[1] ?? "";
    const one = await countedPost(browser, "/account/sessions/", { session: reference });
    console.info("POST /account/sessions/ (one)", one);
    expect(one).toEqual({ status: 303, roundTrips: 2, statements: 2 });
    const others = await countedPost(browser, "/account/sessions/", { session: "others" });
    console.info("POST /account/sessions/ (others)", others);
    expect(others).toEqual({ status: 303, roundTrips: 2, statements: 2 });
  });

  it("change password: guard read + throttle-count-and-hash + 1 write batch (hash and generation, other sessions, rotation, links, throttle)", async () => {
    const { user, browser } = await signedIn();
    const counted = await countedPost(browser, "/account/password/", {
      current_password: user.password ?? "",
      password: "a brand new passphrase",
      confirm_password: "a brand new passphrase",
    });
    console.info("POST /account/password/", counted);
    expect(counted).toEqual({ status: 303, roundTrips: 3, statements: 8 });
  });

  it("delete account: guard read + hash-and-throttle read + 1 write batch", async () => {
    const { user, browser } = await signedIn();
    const counted = await countedPost(browser, "/account/delete/", { password: user.password ?? "" });
    console.info("POST /account/delete/", counted);
    expect(counted).toEqual({ status: 303, roundTrips: 3, statements: 5 });
  });
});
