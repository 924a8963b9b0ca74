// Accessibility: axe-core on every page and state (with the app's JS and without it), visible labels
// on every control, and the whole journey done with the keyboard alone, with a visible focus ring.
import type { Page } from "playwright-core";
import { afterAll, describe, it } from "vitest";
import {
  AXE_VERSION,
  type AxeSummary,
  baseURL,
  connectBrowser,
  controlsWithoutVisibleLabel,
  expect,
  expectPath,
  field,
  fillLogin,
  fillRegistration,
  JS_MODES,
  logIn,
  mainButton,
  missingBasics,
  type NewUser,
  newUser,
  register,
  runAxe,
  visit,
  waitForHydration,
} from "./support";

const chromium = connectBrowser();

/**
 * Every page and state, in the order a person meets them, in one browser context per mode:
 * each step moves the page on and names the state it is now in.
 */
const WALK: { state: string; step: (page: Page, user: NewUser) => Promise<void> }[] = [
  { state: "home", step: (page) => visit(page, "/") },
  { state: "register, empty", step: (page) => visit(page, "/register/") },
  {
    state: "register, errors",
    step: async (page, user) => {
      await fillRegistration(page, { ...user, email: "not-an-email", password: "short" }, "other");
      await mainButton(page, "Register").click();
      await page.locator(".field-error").first().waitFor();
    },
  },
  { state: "login, registered flash", step: (page, user) => register(page, user) },
  { state: "login, empty", step: (page) => visit(page, "/login/") },
  {
    state: "login, errors",
    step: async (page) => {
      await mainButton(page, "Log in").click();
      await page.locator(".field-error").first().waitFor();
    },
  },
  {
    state: "login, invalid credentials",
    step: async (page, user) => {
      await fillLogin(page, { email: user.email, password: "wrong password" });
      await mainButton(page, "Log in").click();
      await page.getByRole("alert").waitFor();
    },
  },
  {
    state: "login, log-in-first flash",
    step: async (page) => {
      await visit(page, "/dash/");
      await expectPath(page, "/login/?next=%2Fdash%2F");
      await page.getByRole("status").waitFor();
    },
  },
  { state: "dashboard", step: (page, user) => logIn(page, user) },
  {
    state: "account",
    step: async (page) => {
      await visit(page, "/account/");
      await page.getByRole("heading", { name: "Your account" }).waitFor();
    },
  },
  {
    state: "account, profile errors",
    step: async (page) => {
      await field.firstName(page).fill("");
      await mainButton(page, "Save").click();
      await page.locator(".field-error").first().waitFor();
    },
  },
  {
    state: "account, saved flash",
    step: async (page) => {
      await field.firstName(page).fill("Ada");
      await mainButton(page, "Save").click();
      await page.getByRole("status").waitFor();
    },
  },
  { state: "change password", step: (page) => visit(page, "/account/password/") },
  {
    state: "change password, errors",
    step: async (page) => {
      await page.getByLabel("Current password", { exact: true }).fill("not the password");
      await page.getByLabel("New password", { exact: true }).fill("another passphrase");
      await page.getByLabel("Confirm new password", { exact: true }).fill("another passphrase");
      await mainButton(page, "Change password").click();
      await page.getByText("Your current password is not correct").waitFor();
    },
  },
  { state: "delete account", step: (page) => visit(page, "/account/delete/") },
  {
    state: "delete account, errors",
    step: async (page) => {
      await mainButton(page, "Delete my account").click();
      await page.locator(".field-error").first().waitFor();
    },
  },
  { state: "logout page", step: (page) => visit(page, "/logout/") },
  {
    state: "404",
    step: async (page) => {
      await page.goto("/no-such-page/");
      await waitForHydration(page);
    },
  },
  {
    state: "home, logged-out flash",
    step: async (page) => {
      await page.getByRole("banner").getByRole("button", { name: "Log out" }).click();
      await expectPath(page, "/");
      await page.getByRole("status").waitFor();
    },
  },
  {
    state: "register, email taken",
    step: async (page, user) => {
      await visit(page, "/register/");
      await fillRegistration(page, user);
      await mainButton(page, "Register").click();
      await page.getByText("That email address is already registered").waitFor();
    },
  },
];

const report: string[] = [];
afterAll(() => {
  console.log(`\naxe-core ${AXE_VERSION} (WCAG 2.2 A/AA + best practices) per page and state:\n${report.join("\n")}\n`);
});

describe.each(JS_MODES)("axe and labels ($label)", ({ label, js }) => {
  it("every page and state: no serious or critical axe violations, every control visibly labelled", async () => {
    // axe needs scripts in the page, so "JS off" blocks the app's own scripts instead: the page is
    // what a browser without JS shows (no hydration, no JS-only controls), and axe still runs.
    const context = js ? await chromium.context(true) : await chromium.contextWithoutAppScripts();
    const page = await context.newPage();
    const user = newUser(`a11y-${js ? "on" : "off"}`);
    const problems: string[] = [];
    for (const { state, step } of WALK) {
      await step(page, user);
      const result: AxeSummary = await runAxe(page);
      const serious = result.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
      report.push(
        `  ${label.padEnd(6)} ${state.padEnd(27)} violations: ${result.violations.length} (serious/critical: ${serious.length})` +
          `  passes: ${String(result.passes).padStart(2)}  needs review: ${result.incomplete.join(", ") || "none"}` +
          (result.violations.length ? `  [${result.violations.map((v) => `${v.id}:${v.impact}`).join(", ")}]` : ""),
      );
      for (const v of serious) problems.push(`${state}: ${v.id} (${v.impact}) ${v.help} at ${v.targets.join(", ")}`);
      for (const control of await controlsWithoutVisibleLabel(page))
        problems.push(`${state}: no visible label for ${control}`);
      for (const basic of await missingBasics(page)) problems.push(`${state}: missing ${basic}`);
    }
    expect(problems).toEqual([]);
  });
});

describe("favicon", () => {
  it("is served as SVG", async () => {
    const response = await fetch(`${baseURL}/favicon.svg`);
    expect(response.status).toBe(200);
    expect(response.headers.get("Content-Type")).toMatch(/^image\/svg\+xml/);
    expect(await response.text()).toContain("<svg");
  });
});

// ---------- Keyboard only ----------

type Focused = { name: string; tag: string; focusVisible: boolean; ring: boolean };

/** What has focus, by its visible name (label text for inputs), and whether a focus ring shows. */
async function focused(page: Page): Promise<Focused> {
  return page.evaluate(() => {
    const element = document.activeElement as HTMLElement | null;
    if (!element || element === document.body) return { name: "", tag: "body", focusVisible: false, ring: false };
    const labels = (element as HTMLInputElement).labels;
    // biome-ignore lint/performance/useDomNodeTextContent: the visible (rendered) text is what a person reads.
    const text = element.getAttribute("aria-label") ?? labels?.[0]?.innerText ?? element.innerText ?? "";
    const name = text.replace(/\s+/g, " ").trim();
    const style = getComputedStyle(element);
    const outline = style.outlineStyle !== "none" && Number.parseFloat(style.outlineWidth) >= 2;
    const shadow = style.boxShadow !== "none" && style.boxShadow !== "";
    return {
      name,
      tag: element.tagName.toLowerCase(),
      focusVisible: element.matches(":focus-visible"),
      ring: outline || shadow,
    };
  });
}

/** Presses Tab until the named control has focus; every stop on the way must show a focus ring. */
async function tabTo(page: Page, name: string, max = 25): Promise<void> {
  const seen: string[] = [];
  for (let i = 0; i < max; i++) {
    await page.keyboard.press("Tab");
    const now = await focused(page);
    seen.push(now.name);
    expect(
      now.focusVisible && now.ring,
      `no visible focus ring on "${now.name}" (${now.tag}) after ${seen.join(" | ")}`,
    ).toBe(true);
    if (now.name === name) return;
  }
  throw new Error(`Tab never reached "${name}"; went through: ${seen.join(" | ")}`);
}

describe.each(JS_MODES)("keyboard only ($label)", ({ js }) => {
  it("register, log in with remember me, reach the dashboard and log out with Tab, Enter and Space", async () => {
    const page = await chromium.page(js);
    const user = newUser("keys");
    await visit(page, "/");

    await tabTo(page, "Register");
    await page.keyboard.press("Enter");
    await expectPath(page, "/register/");
    // Keys don't wait for the page: Tab pressed before React draws the form lands on the home page's
    // content, which the render then removes (focus falls back to the body).
    await page.getByRole("heading", { name: "Create your account" }).waitFor();

    await tabTo(page, "Email");
    await page.keyboard.type(user.email);
    await page.keyboard.press("Tab");
    await page.keyboard.type(user.firstName);
    await page.keyboard.press("Tab");
    await page.keyboard.type(user.lastName);
    await tabTo(page, "Password");
    await page.keyboard.type(user.password);
    if (js) {
      // The show/hide toggle is a real button: Space shows the password, Space again hides it.
      await tabTo(page, "Show password");
      await page.keyboard.press("Space");
      await expect(field.password(page).getAttribute("type")).resolves.toBe("text");
      await expect((await focused(page)).name).toBe("Hide password");
      await page.keyboard.press("Space");
      await expect(field.password(page).getAttribute("type")).resolves.toBe("password");
    }
    await tabTo(page, "Confirm password");
    await page.keyboard.type(user.password);
    await tabTo(page, "Register");
    await page.keyboard.press("Enter");
    await expectPath(page, "/login/");
    await page.getByRole("status").waitFor();
    await waitForHydration(page);

    await tabTo(page, "Email");
    await page.keyboard.type(user.email);
    await tabTo(page, "Password");
    await page.keyboard.type(user.password);
    await tabTo(page, "Remember me");
    await page.keyboard.press("Space");
    await expect(field.remember(page).isChecked()).resolves.toBe(true);
    // Enter in a field submits the form, as it should.
    await page.keyboard.press("Shift+Tab");
    if (js) await page.keyboard.press("Shift+Tab"); // Past the show/hide toggle.
    await expect((await focused(page)).name).toBe("Password");
    await page.keyboard.press("Enter");
    await expectPath(page, "/dash/");
    await waitForHydration(page);
    await page.getByRole("heading", { name: "Welcome, Ada Lovelace" }).waitFor();

    // The first "Log out" in tab order is the header's; Space presses it.
    await tabTo(page, "Log out");
    await page.keyboard.press("Space");
    await expectPath(page, "/");
    await page.getByRole("status").waitFor();
    if (js) {
      // The banner's dismiss button (JS on only) is reachable and works with Enter.
      await waitForHydration(page);
      await tabTo(page, "Dismiss message");
      await page.keyboard.press("Enter");
      await expect(page.locator(".flash").count()).resolves.toBe(0);
    }
  });
});
