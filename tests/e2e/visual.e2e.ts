// Visual check: every page and state at a phone and a laptop size, light and dark, saved as PNGs for
// a person to look at; and, measured, no horizontal scrolling anywhere (the 375 px phone included).
import { join } from "node:path";
import type { Page } from "playwright-core";
import { describe, it } from "vitest";
import { SCREENSHOT_DIR } from "./config";
import {
  connectBrowser,
  expect,
  expectPath,
  fillLogin,
  headerButton,
  inBothSchemes,
  logIn,
  mainButton,
  newUser,
  postFormOverHttp,
  register,
  visit,
  waitForHydration,
} from "./support";

const chromium = connectBrowser();

const VIEWPORTS = [
  { width: 375, height: 812 },
  { width: 1280, height: 800 },
];

async function horizontalOverflow(page: Page): Promise<number> {
  return page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
}

describe.each(VIEWPORTS)("screens at $width×$height", (viewport) => {
  it("every page and state, light and dark, without horizontal scroll; screenshots saved", async () => {
    const page = await chromium.page(true, { viewport });
    const user = newUser(`shot-${viewport.width}`);
    const saved: string[] = [];

    /** Each state is reached once and shot in both schemes (prefers-color-scheme is switched in place). */
    async function capture(state: string) {
      const problems: string[] = [];
      await inBothSchemes(
        page,
        state,
        problems,
        (scheme) => {
          const path = join(SCREENSHOT_DIR, `${state}-${viewport.width}x${viewport.height}-${scheme}.png`);
          saved.push(path);
          return path;
        },
        async () => {
          expect(
            await horizontalOverflow(page),
            `${state} scrolls sideways at ${viewport.width} px`,
          ).toBeLessThanOrEqual(0);
        },
      );
      // axe's contrast check, in both schemes and at this size (the a11y walk runs in light only).
      expect(problems).toEqual([]);
    }

    /** Submits the page's form with `button` and shoots the field errors it answers with. */
    async function submitForErrors(button: string, state: string) {
      await mainButton(page, button).click();
      await page.locator(".field-error").first().waitFor();
      await capture(state);
    }

    /** A form page as it opens, then its errors after an empty submit. */
    async function pageAndErrors(path: string, state: string, button: string) {
      await visit(page, path);
      await capture(state);
      await submitForErrors(button, `${state}-errors`);
    }

    await visit(page, "/");
    await capture("home");
    await pageAndErrors("/register/", "register", "Register");

    await register(page, user);
    await page.getByRole("status").waitFor();
    await capture("login-flash");
    await page.reload();
    await waitForHydration(page);
    await capture("login");
    await fillLogin(page, { email: user.email, password: "not the password" });
    await mainButton(page, "Log in").click();
    await page.getByRole("alert").waitFor();
    await capture("login-error");

    await logIn(page, user);
    await capture("dashboard");
    // A second device, so the devices list has a "Sign out" row too.
    await postFormOverHttp("/login/", { email: user.email, password: user.password });
    await visit(page, "/account/");
    await capture("account");
    await page.getByLabel("First name", { exact: true }).fill("");
    await submitForErrors("Save", "account-errors");
    await pageAndErrors("/account/password/", "change-password", "Change password");
    await visit(page, "/account/delete/");
    await capture("delete-account");
    await page.getByLabel("Password", { exact: true }).fill("not the password");
    await mainButton(page, "Delete my account").click();
    await page.getByText("Your password is not correct").waitFor();
    await capture("delete-account-error");
    await visit(page, "/logout/");
    await capture("logout");
    await page.goto("/no-such-page/");
    await waitForHydration(page);
    await capture("not-found");
    await headerButton(page, "Log out").click();
    await expectPath(page, "/");
    await page.getByRole("status").waitFor();
    await capture("home-flash");

    expect(saved).toHaveLength(32);
  });
});
