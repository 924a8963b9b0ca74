// The account pages, each journey with JavaScript on and off, in real browsers: two browser
// contexts are two devices of one person.
import type { Page } from "playwright-core";
import { describe, it } from "vitest";
import {
  connectBrowser,
  expect,
  expectPath,
  flash,
  headerLink,
  JS_MODES,
  logIn,
  mainButton,
  NEW_PASSWORD,
  type NewUser,
  registeredUser,
  registerOverHttp,
  visit,
  waitForHydration,
  watchConsole,
} from "./support";

const chromium = connectBrowser();

/** A new device: its own browser context, signed in through the login form. */
async function device(js: boolean, user: NewUser): Promise<Page> {
  const page = await chromium.page(js);
  await visit(page, "/login/");
  await logIn(page, user);
  return page;
}

/** True when the page, reloaded at /dash/, is still signed in. */
async function stillSignedIn(page: Page): Promise<boolean> {
  await visit(page, "/dash/");
  await page.getByRole("heading", { level: 1 }).waitFor();
  return new URL(page.url()).pathname === "/dash/";
}

async function openAccount(page: Page): Promise<void> {
  await headerLink(page, "Account").click();
  await expectPath(page, "/account/");
  await page.getByRole("heading", { name: "Your account" }).waitFor();
  await waitForHydration(page);
}

const devices = (page: Page) => page.locator("ul.devices > li");

describe.each(JS_MODES)("account journeys ($label)", ({ js }) => {
  it("two devices in the list; change the password: the other device is signed out, this one stays in", async () => {
    const user = await registeredUser("acct-pw");
    const laptop = await device(js, user);
    const phone = await device(js, user);
    const errors = watchConsole(laptop);

    await openAccount(laptop);
    await expect(devices(laptop).count()).resolves.toBe(2);
    await expect(devices(laptop).filter({ hasText: "This device" }).count()).resolves.toBe(1);
    // Chromium headless reports itself as Chrome on Linux.
    await expect(devices(laptop).first().textContent()).resolves.toMatch(/Chrome.* on Linux/);

    await laptop.getByRole("link", { name: "Change password", exact: true }).click();
    await expectPath(laptop, "/account/password/");
    await waitForHydration(laptop);
    await laptop.getByLabel("Current password", { exact: true }).fill(user.password);
    await laptop.getByLabel("New password", { exact: true }).fill(NEW_PASSWORD);
    await laptop.getByLabel("Confirm new password", { exact: true }).fill(NEW_PASSWORD);
    await mainButton(laptop, "Change password").click();
    await expectPath(laptop, "/account/");
    await flash(laptop).filter({ hasText: "Your password has been changed." }).waitFor();
    await expect(devices(laptop).count()).resolves.toBe(1);

    expect(await stillSignedIn(phone)).toBe(false);
    expect(await stillSignedIn(laptop)).toBe(true);
    expect(errors).toEqual([]);
  });

  it("sign out another device from the list; rename yourself and see it in the header", async () => {
    const user = await registeredUser("acct-dev");
    const laptop = await device(js, user);
    const phone = await device(js, user);

    await openAccount(laptop);
    const other = devices(laptop).filter({ hasNotText: "This device" });
    await other.getByRole("button", { name: "Sign out", exact: true }).click();
    await flash(laptop).filter({ hasText: "Signed out of the selected devices." }).waitFor();
    await expectPath(laptop, "/account/");
    await expect(devices(laptop).count()).resolves.toBe(1);
    expect(await stillSignedIn(phone)).toBe(false);

    await openAccount(laptop);
    await laptop.getByLabel("First name", { exact: true }).fill("Augusta");
    await mainButton(laptop, "Save").click();
    await flash(laptop).filter({ hasText: "Your details have been saved." }).waitFor();
    await expect(laptop.locator(".nav-user").textContent()).resolves.toBe("Augusta");
  });

  it("delete the account: signed out on /, the old password no longer works, the address registers again", async () => {
    const user = await registeredUser("acct-del");
    const laptop = await device(js, user);
    await openAccount(laptop);
    await laptop.getByRole("link", { name: "Delete account", exact: true }).click();
    await expectPath(laptop, "/account/delete/");
    await waitForHydration(laptop);

    await laptop.getByLabel("Password", { exact: true }).fill("not my password");
    await mainButton(laptop, "Delete my account").click();
    await laptop.getByText("Your password is not correct").waitFor();
    await laptop.getByLabel("Password", { exact: true }).fill(user.password);
    await mainButton(laptop, "Delete my account").click();
    await expectPath(laptop, "/");
    await flash(laptop).filter({ hasText: "Your account has been deleted." }).waitFor();
    await headerLink(laptop, "Log in").waitFor();

    await visit(laptop, "/login/");
    await laptop.getByLabel("Email", { exact: true }).fill(user.email);
    await laptop.getByLabel("Password", { exact: true }).fill(user.password);
    await mainButton(laptop, "Log in").click();
    await laptop.getByText("Invalid email or password").waitFor();
    await registerOverHttp(user);
  });
});
