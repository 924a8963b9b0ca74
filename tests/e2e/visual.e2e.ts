// Visual check: every page and state at a phone and a laptop size, light and dark, saved as PNGs for
// a person to look at; and, measured, no horizontal scrolling anywhere (the 375 px phone included).
import { describe, it } from "vitest";
import {
  captureInBothSchemes,
  connectBrowser,
  expect,
  expectPath,
  fillLogin,
  headerButton,
  logIn,
  mainButton,
  newUser,
  postFormOverHttp,
  register,
  VIEWPORTS,
  visit,
  waitForHydration,
} from "./support";

const chromium = connectBrowser();

describe.each(VIEWPORTS)("screens at $width×$height", (viewport) => {
  it("every page and state, light and dark, without horizontal scroll; screenshots saved", async () => {
    const page = await chromium.page(true, { viewport });
    const user = newUser(`shot-${viewport.width}`);
    const saved: string[] = [];

    /**
     * Each state is reached once and shot in both schemes (prefers-color-scheme is switched in place),
     * axe's contrast rule checked in each (the a11y walk runs in light only).
     */
    const capture = async (state: string) => saved.push(...(await captureInBothSchemes(page, state)));
    /** A form as it opens, then sent empty: its field errors shown. */
    const captureFormAndErrors = async (path: string, state: string, button: string) => {
      await visit(page, path);
      await capture(state);
      await mainButton(page, button).click();
      await page.locator(".field-error").first().waitFor();
      await capture(`${state}-errors`);
    };

    await visit(page, "/");
    await capture("home");
    await captureFormAndErrors("/register/", "register", "Register");

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
    await mainButton(page, "Save").click();
    await page.locator(".field-error").first().waitFor();
    await capture("account-errors");
    await captureFormAndErrors("/account/password/", "change-password", "Change password");
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
