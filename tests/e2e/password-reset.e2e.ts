// "Forgot your password?" end to end, JS on and off, against the app as `npm start` runs it: the
// email is found the way a developer finds it (the server log names the file the simulated
// send_email binding wrote), its link is followed in Chromium, and the new password works while
// the old one and every old session stop working. Then axe and screenshots of the new pages' states.
import { join } from "node:path";
import type { Page } from "playwright-core";
import { afterAll, describe, it } from "vitest";
import { SCREENSHOT_DIR } from "./config";
import { waitForResetLink } from "./mail";
import {
  AXE_VERSION,
  baseURL,
  connectBrowser,
  controlsWithoutVisibleLabel,
  expect,
  expectPath,
  field,
  JS_MODES,
  logIn,
  mainButton,
  missingBasics,
  NEW_PASSWORD,
  postFormOverHttp,
  registeredUser,
  runAxe,
  settleColourScheme,
  visit,
  waitForHydration,
  watchConsole,
} from "./support";

const chromium = connectBrowser();

const SENT = "If an account exists for that address, we have sent a link to reset its password.";
const INVALID = "This link is invalid or has expired.";

const newPassword = (page: Page) => page.getByLabel("New password", { exact: true });
const confirmNewPassword = (page: Page) => page.getByLabel("Confirm new password", { exact: true });

async function askForLink(page: Page, email: string): Promise<void> {
  await field.email(page).fill(email);
  await mainButton(page, "Send reset link").click();
  await page.getByRole("status").filter({ hasText: SENT }).waitFor();
}

describe.each(JS_MODES)("forgot password ($label)", ({ js }) => {
  it("login page → forgot → email → reset → log in with the new password; old sessions signed out", async () => {
    const user = await registeredUser(`reset-${js ? "on" : "off"}`);
    const old = await chromium.page(js);
    await visit(old, "/login/");
    await logIn(old, user);

    const page = await chromium.page(js);
    const errors = watchConsole(page);
    await visit(page, "/login/");
    await page.getByRole("link", { name: "Forgot your password?" }).click();
    await expectPath(page, "/forgot-password/");
    await waitForHydration(page);
    await askForLink(page, user.email);

    const link = await waitForResetLink(user.email);
    // npm start's APP_ORIGIN: the address it serves, by name, whatever Host the browser used.
    expect(new URL(link).origin).toBe(`http://localhost:${new URL(baseURL).port}`);
    await page.goto(link);
    await waitForHydration(page);
    await newPassword(page).fill(NEW_PASSWORD);
    await confirmNewPassword(page).fill(NEW_PASSWORD);
    await mainButton(page, "Set new password").click();
    await expectPath(page, "/login/");
    await page.getByRole("status").filter({ hasText: "Your password has been reset. You may now log in." }).waitFor();

    await logIn(page, { ...user, password: NEW_PASSWORD });
    await visit(old, "/dash/");
    await expectPath(old, "/login/?next=%2Fdash%2F");
    const withOldPassword = await postFormOverHttp("/login/", { email: user.email, password: user.password });
    expect(withOldPassword.status).toBe(400);

    expect(errors).toEqual([]);
    // The link is spent (a 400 page, which the console reports as a failed load).
    await page.goto(link);
    await expect(page.getByRole("main").textContent()).resolves.toContain(INVALID);
  });

  it("a new password the policy refuses: the error beside it, the link still usable", async () => {
    const user = await registeredUser(`reset-policy-${js ? "on" : "off"}`);
    const page = await chromium.page(js);
    await visit(page, "/forgot-password/");
    await askForLink(page, user.email);
    await page.goto(await waitForResetLink(user.email));
    await waitForHydration(page);
    await newPassword(page).fill("password123");
    await confirmNewPassword(page).fill("password123");
    await mainButton(page, "Set new password").click();
    await page.getByText("That password is one of the most common ones").waitFor();
    await expect(newPassword(page).getAttribute("aria-invalid")).resolves.toBe("true");
    await newPassword(page).fill(NEW_PASSWORD);
    await confirmNewPassword(page).fill(NEW_PASSWORD);
    await mainButton(page, "Set new password").click();
    await expectPath(page, "/login/");
  });
});

// ---------- axe and screenshots of every state of the new pages ----------

type State = { state: string; step: (page: Page) => Promise<void> };

function statesFor(email: string): State[] {
  return [
    { state: "forgot-password", step: (page) => visit(page, "/forgot-password/") },
    {
      state: "forgot-password-errors",
      step: async (page) => {
        await field.email(page).fill("not-an-address");
        await mainButton(page, "Send reset link").click();
        await page.locator(".field-error").first().waitFor();
      },
    },
    { state: "forgot-password-sent", step: (page) => askForLink(page, email) },
    {
      state: "reset-password",
      step: async (page) => {
        await page.goto(await waitForResetLink(email));
        await waitForHydration(page);
      },
    },
    {
      state: "reset-password-errors",
      step: async (page) => {
        await newPassword(page).fill("short");
        await confirmNewPassword(page).fill("other");
        await mainButton(page, "Set new password").click();
        await page.locator(".field-error").first().waitFor();
      },
    },
    {
      state: "reset-password-invalid-link",
      step: async (page) => {
        await visit(page, `/reset-password/?token=${"A".repeat(43)}`);
        await page.getByRole("alert").waitFor();
      },
    },
    { state: "login-with-forgot-link", step: (page) => visit(page, "/login/") },
  ];
}

const report: string[] = [];
afterAll(() => {
  if (report.length) console.log(`\naxe-core ${AXE_VERSION} on the password-reset pages:\n${report.join("\n")}\n`);
});

describe.each(JS_MODES)("the reset pages: axe, labels, screenshots ($label)", ({ label, js }) => {
  it("every state: no serious or critical axe violations, every control visibly labelled; screenshots saved", async () => {
    const context = js ? await chromium.context(true) : await chromium.contextWithoutAppScripts();
    const page = await context.newPage();
    const user = await registeredUser(`reset-a11y-${js ? "on" : "off"}`);
    const problems: string[] = [];
    for (const { state, step } of statesFor(user.email)) {
      await step(page);
      const result = await runAxe(page);
      const serious = result.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
      report.push(
        `  ${label.padEnd(6)} ${state.padEnd(28)} violations: ${result.violations.length} (serious/critical: ${serious.length})` +
          `  passes: ${String(result.passes).padStart(2)}` +
          (result.violations.length ? `  [${result.violations.map((v) => `${v.id}:${v.impact}`).join(", ")}]` : ""),
      );
      for (const v of serious) problems.push(`${state}: ${v.id} (${v.impact}) ${v.help} at ${v.targets.join(", ")}`);
      for (const control of await controlsWithoutVisibleLabel(page)) problems.push(`${state}: no label for ${control}`);
      for (const basic of await missingBasics(page)) problems.push(`${state}: missing ${basic}`);
      for (const colorScheme of ["light", "dark"] as const) {
        await settleColourScheme(page, colorScheme);
        const contrast = await runAxe(page, ["color-contrast"]);
        for (const v of contrast.violations)
          problems.push(`${state}, ${colorScheme}: ${v.id} at ${v.targets.join(", ")}`);
        const path = join(SCREENSHOT_DIR, `${state}-${js ? "js" : "nojs"}-${colorScheme}.png`);
        await page.screenshot({ path, fullPage: true, animations: "disabled", caret: "hide" });
      }
      await page.emulateMedia({ colorScheme: "light" });
    }
    expect(problems).toEqual([]);
  });
});
