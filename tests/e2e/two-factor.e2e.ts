// Two-step verification in a real Chromium, with JavaScript on and off: set it up reading the secret
// from the page (the code computed in Node, as an authenticator app would), log out, sign in with a
// code, then with a recovery code; axe on each page; screenshots of the set-up page and the code page
// in both colour schemes at a phone and a laptop width; and the operator's `user:two-factor --off`,
// whose notice email reaches the user.
import type { Page } from "playwright-core";
import { describe, it } from "vitest";
import { codeFor } from "../helpers/totp-code";
import { waitForHtmlPart } from "./mail";
import {
  captureInBothSchemes,
  connectBrowser,
  controlsWithoutVisibleLabel,
  expect,
  expectPath,
  JS_MODES,
  logIn,
  logInWithRecoveryCode,
  logOut,
  mainButton,
  operatorCommand,
  passwordStep,
  registeredUser,
  runAxe,
  turnOnTwoFactor,
  VIEWPORTS,
  visit,
  watchConsole,
} from "./support";

const chromium = connectBrowser();

/**
 * A page with JS on, or exactly what a browser without JS shows: the app's scripts blocked while the
 * browser still runs axe (a context with JavaScript off cannot evaluate anything in the page).
 */
async function newPage(js: boolean): Promise<Page> {
  const context = js ? await chromium.context(true) : await chromium.contextWithoutAppScripts();
  return context.newPage();
}

async function expectAxeClean(page: Page, what: string) {
  const { violations } = await runAxe(page);
  expect(violations, `${what}: ${JSON.stringify(violations)}`).toEqual([]);
  expect(await controlsWithoutVisibleLabel(page), what).toEqual([]);
}

describe.each(JS_MODES)("two-step verification ($label)", ({ js }) => {
  it("set up from the page, log out, sign in with a code, then with a recovery code", async () => {
    const user = await registeredUser(`2fa-${js ? "js" : "nojs"}`);
    const page = await newPage(js);
    const errors = watchConsole(page);
    await visit(page, "/login/");
    await logIn(page, user);

    const { secret, codes } = await turnOnTwoFactor(page, expectAxeClean);
    await page.getByRole("link", { name: "I have saved them" }).click();
    await expectPath(page, "/account/two-factor/");
    await expect(page.getByText("Recovery codes left: 10").count()).resolves.toBe(1);
    await expectAxeClean(page, "two-step verification on");
    await logOut(page);

    await passwordStep(page, user);
    await expectAxeClean(page, "code page");
    // A wrong code first: the message, and the page stays.
    const wrong = codeFor(secret, 1) === "000000" ? "111111" : "000000";
    await page.getByLabel("Code", { exact: true }).fill(wrong);
    await mainButton(page, "Verify").click();
    await page.getByText("That code is not correct").waitFor();
    // The step after the one that turned it on: a step is accepted once.
    await page.getByLabel("Code", { exact: true }).fill(codeFor(secret, 1));
    await mainButton(page, "Verify").click();
    await expectPath(page, "/dash/");
    await page.getByRole("heading", { name: `Welcome, ${user.firstName} ${user.lastName}` }).waitFor();
    await logOut(page);

    await logInWithRecoveryCode(page, user, (codes[0] ?? "").toUpperCase());
    await visit(page, "/account/two-factor/");
    await expect(page.getByText("Recovery codes left: 9").count()).resolves.toBe(1);
    // The wrong code's 400 is the one error the browser reports, as it should (without JS, the blocked
    // scripts are reported too).
    if (js) expect(errors.filter((error) => !error.includes("status of 400"))).toEqual([]);
  });
});

describe("screenshots", () => {
  it.each(VIEWPORTS)(
    "the set-up page and the code page at $width px, light and dark, without sideways scrolling",
    async (viewport) => {
      const user = await registeredUser(`2fa-shot-${viewport.width}`);
      const page = await chromium.page(true, { viewport });
      const saved: string[] = [];
      const capture = async (state: string) => saved.push(...(await captureInBothSchemes(page, state)));

      await visit(page, "/login/");
      await logIn(page, user);
      await visit(page, "/account/two-factor/");
      await capture("two-factor-setup");
      const secret = ((await page.locator("code.secret").textContent()) ?? "").replace(/\s/g, "");
      await page.getByLabel("Code", { exact: true }).fill(codeFor(secret));
      await mainButton(page, "Turn on").click();
      await page.getByRole("heading", { name: "Save your recovery codes" }).waitFor();
      await capture("two-factor-recovery-codes");
      await logOut(page);
      await passwordStep(page, user);
      await capture("two-factor-code");
      expect(saved).toHaveLength(6);
    },
  );
});

const userTwoFactor = (...args: string[]) => operatorCommand("user:two-factor", args);

describe("npm run user:two-factor -- EMAIL --off", () => {
  it("turns it off for a user who lost the app and the codes: their sessions end, the next login asks for no code", async () => {
    const user = await registeredUser("2fa-operator");
    const page = await newPage(false);
    await visit(page, "/login/");
    await logIn(page, user);
    await turnOnTwoFactor(page, expectAxeClean);

    const result = userTwoFactor(user.email.toUpperCase(), "--off");
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout).toContain(`Two-step verification turned off for ${user.email}`);
    expect(result.stdout).toContain('The notice "Two-step verification was turned off" was sent to their address');
    const notice = await waitForHtmlPart(user.email, "Two-step verification was turned off");
    expect(notice).toContain(`Two-step verification was turned off for your Edge Auth account (${user.email}).`);
    expect(notice).toContain("The site&#39;s operator, not a device signed in to your account");

    // This browser's session was ended.
    await visit(page, "/dash/");
    await expectPath(page, "/login/?next=%2Fdash%2F");
    await logIn(page, user);

    const again = userTwoFactor(user.email, "--off");
    expect(again.status).toBe(0);
    expect(again.stdout).toContain("already off");
    expect(userTwoFactor("nobody-here@example.com", "--off").status).toBe(1);
    expect(userTwoFactor(user.email).status).toBe(2);
  });
});
