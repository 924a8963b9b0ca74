import { describe, expect, it } from "vitest";
import { newUser, registerThroughForm, signedInBrowser } from "../helpers/browser";
import { countedPost } from "../helpers/round-trips";

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
    expect(counted).toMatchObject({ status: 303, roundTrips: 2, statements: 2 });
  });

  it("sign out one device, and all others: guard read + 1 write each", async () => {
    const { browser } = await signedIn();
    const { html } = await browser.get("/account/");
    const reference = /name="session" value="([^"]+)"/.exec(html)?.[1] ?? "";
    const one = await countedPost(browser, "/account/sessions/", { session: reference });
    console.info("POST /account/sessions/ (one)", one);
    expect(one).toMatchObject({ status: 303, roundTrips: 2, statements: 2 });
    const others = await countedPost(browser, "/account/sessions/", { session: "others" });
    console.info("POST /account/sessions/ (others)", others);
    expect(others).toMatchObject({ status: 303, roundTrips: 2, statements: 2 });
  });

  it("change password: guard read + throttle-count-and-hash + 1 write batch (hash and generation, other sessions, rotation, links, throttle)", async () => {
    const { user, browser } = await signedIn();
    const counted = await countedPost(browser, "/account/password/", {
      current_password: user.password ?? "",
      password: "a brand new passphrase",
      confirm_password: "a brand new passphrase",
    });
    console.info("POST /account/password/", counted);
    expect(counted).toMatchObject({ status: 303, roundTrips: 3, statements: 8 });
  });

  it("delete account: guard read + hash-and-throttle read + 1 write batch", async () => {
    const { user, browser } = await signedIn();
    const counted = await countedPost(browser, "/account/delete/", { password: user.password ?? "" });
    console.info("POST /account/delete/", counted);
    expect(counted).toMatchObject({ status: 303, roundTrips: 3, statements: 5 });
  });
});
