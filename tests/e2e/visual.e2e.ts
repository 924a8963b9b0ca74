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
  logIn,
  mainButton,
  newUser,
  register,
  visit,
  waitForHydration,
} from "./support";

const chromium = connectBrowser();

const VIEWPORTS = [
  { width: 375, height: 812 },
  { width: 1280, height: 800 },
];
const SCHEMES = ["light", "dark"] as const;
const CASES = VIEWPORTS.flatMap((viewport) => SCHEMES.map((colorScheme) => ({ viewport, colorScheme })));

async function horizontalOverflow(page: Page): Promise<number> {
  return page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
}

describe.each(CASES)("screens at $viewport.width×$viewport.height, $colorScheme", ({ viewport, colorScheme }) => {
  it("every page and state renders without horizontal scroll; screenshots saved", async () => {
    const page = await chromium.page(true, { viewport, colorScheme });
    const user = newUser(`shot-${viewport.width}-${colorScheme}`);
    const saved: string[] = [];

    async function capture(state: string) {
      // Let the web fonts-free layout settle (no transitions left running), then measure and save.
      await page.evaluate(() => document.fonts.ready);
      expect(await horizontalOverflow(page), `${state} scrolls sideways at ${viewport.width} px`).toBeLessThanOrEqual(
        0,
      );
      const path = join(SCREENSHOT_DIR, `${state}-${viewport.width}x${viewport.height}-${colorScheme}.png`);
      await page.screenshot({ path, fullPage: true, animations: "disabled", caret: "hide" });
      saved.push(path);
    }

    await visit(page, "/");
    await capture("home");
    await visit(page, "/register/");
    await capture("register");
    await mainButton(page, "Register").click();
    await page.locator(".field-error").first().waitFor();
    await capture("register-errors");

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
    await visit(page, "/logout/");
    await capture("logout");
    await page.goto("/no-such-page/");
    await waitForHydration(page);
    await capture("not-found");
    await headerButton(page, "Log out").click();
    await expectPath(page, "/");
    await page.getByRole("status").waitFor();
    await capture("home-flash");

    expect(saved).toHaveLength(10);
  });
});
