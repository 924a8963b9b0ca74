import { describe, expect, it } from "vitest";
import { newUser, registerThroughForm, signedInBrowser } from "../helpers/browser";
import { newestAddressLink } from "../helpers/mailbox";
import { countedGet, countedPost } from "../helpers/round-trips";

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

describe("D1 round trips of the email address requests", () => {
  it("change the address: guard read + 1 batch (the taken check, the link and the send count); its link shown (the session read, the link read) and spent (the link read, 1 batch, the session read for where to go)", async () => {
    const { browser } = await signedIn();
    const next = newUser().email ?? "";
    const asked = await countedPost(browser, "/account/email/", { email: next });
    console.info("POST /account/email/", asked);
    expect(asked).toMatchObject({ status: 303, roundTrips: 2 });

    const link = await newestAddressLink(next, "Confirm your new email address");
    const path = `${link.pathname}${link.search}`;
    const shown = await countedGet(browser, path);
    console.info("GET /verify-email/", { roundTrips: shown.roundTrips, statements: shown.statements });
    expect(shown).toMatchObject({ status: 200, roundTrips: 2 });
    const opened = await countedPost(browser, path, { token: link.searchParams.get("token") ?? "" });
    console.info("POST /verify-email/ (change)", opened);
    expect(opened).toMatchObject({ status: 303, roundTrips: 3 });
  });

  it('"Send the link again": guard read + 1 batch (state, link, send count)', async () => {
    const { browser } = await signedIn();
    const counted = await countedPost(browser, "/verify-email/send/");
    console.info("POST /verify-email/send/", counted);
    expect(counted).toMatchObject({ status: 303, roundTrips: 2 });
  });
});
