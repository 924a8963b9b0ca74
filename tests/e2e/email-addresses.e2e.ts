// Email addresses end to end, JS on and off, against the app as `npm start` runs it: the links are
// read from the emails the server sent (its log names the files the simulated send_email binding
// wrote, tests/e2e/mail.ts) and opened in Chromium. Registration → "Confirm your email address" →
// the link → the button → the banner gone; "Send the link again" with its flash (the older link
// void); changing the address behind "Confirm it's you", the link to the new address, the old one
// told. Then axe on every state of these pages.
import type { Page } from "playwright-core";
import { afterAll, describe, it } from "vitest";
import { messagesTo, waitForAddressLink } from "./mail";
import {
  AXE_VERSION,
  connectBrowser,
  controlsWithoutVisibleLabel,
  expect,
  expectPath,
  field,
  flash,
  JS_MODES,
  logIn,
  mainButton,
  missingBasics,
  newUser,
  queryD1,
  register,
  registeredUser,
  runAxe,
  visit,
  waitForHydration,
  watchConsole,
} from "./support";

const chromium = connectBrowser();

const NOT_CONFIRMED = "Your email address is not confirmed.";
const CONFIRMED = "Your email address is confirmed.";
const INVALID = "This link is invalid or has expired.";

const banner = (page: Page) => page.getByText(NOT_CONFIRMED, { exact: true });

/**
 * An emailed link's path: the emails name APP_ORIGIN (`localhost`), and these pages are on the address
 * the browser was given, whose cookies say who is signed in.
 */
function pathOf(link: string): string {
  const url = new URL(link);
  return `${url.pathname}${url.search}`;
}

/** Opens an emailed link and presses its button (a GET alone confirms nothing: link scanners prefetch). */
async function openAndConfirm(page: Page, link: string, landing = "/dash/") {
  await page.goto(pathOf(link));
  await waitForHydration(page);
  await mainButton(page, "Confirm email address").click();
  await expectPath(page, landing);
  await expect(flash(page).textContent()).resolves.toContain(CONFIRMED);
}

/** As if this user's sessions had last confirmed who they are long ago (signing in counts as a confirmation). */
async function lapseConfirmation(email: string) {
  await queryD1(`UPDATE sessions SET confirmed_at = 0 WHERE user_id = (SELECT id FROM users WHERE email = '${email}')`);
}

/** Waits for a message to `address` whose parts say `text`, e.g. a notice's subject. */
async function waitForMessage(address: string, text: string, timeoutMs = 15_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const found = messagesTo(address)
      .flatMap((message) => message.parts)
      .find((part) => part.includes(text));
    if (found) return found;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`no message saying "${text}" to ${address} within ${timeoutMs} ms`);
}

describe.each(JS_MODES)("email addresses ($label)", ({ js }) => {
  it("register → the confirmation email → its link → the button → confirmed, the banner gone", async () => {
    const user = newUser(`verify-${js ? "on" : "off"}`);
    const page = await chromium.page(js);
    const errors = watchConsole(page);
    await register(page, user);
    await logIn(page, user);
    await banner(page).waitFor();
    const link = await waitForAddressLink(user.email);
    // Opening the link shows the button and confirms nothing by itself.
    await page.goto(pathOf(link));
    await waitForHydration(page);
    await mainButton(page, "Confirm email address").waitFor();
    await visit(page, "/dash/");
    await banner(page).waitFor();
    await openAndConfirm(page, link);
    await expect(banner(page).count()).resolves.toBe(0);
    await visit(page, "/account/");
    await expect(banner(page).count()).resolves.toBe(0);
    expect(errors).toEqual([]);
  });

  it('"Send the link again": its flash, a new link that works, the older one void', async () => {
    const user = await registeredUser(`resend-${js ? "on" : "off"}`);
    const first = await waitForAddressLink(user.email);
    const page = await chromium.page(js);
    await visit(page, "/login/");
    await logIn(page, user);
    await mainButton(page, "Send the link again").click();
    await expectPath(page, "/dash/");
    await expect(flash(page).textContent()).resolves.toContain("We have sent you a new link.");
    const second = await waitForAddressLink(user.email, 1);
    expect(second).not.toBe(first);
    await page.goto(pathOf(first));
    await expect(page.getByRole("main").textContent()).resolves.toContain(INVALID);
    await openAndConfirm(page, second);
    await expect(banner(page).count()).resolves.toBe(0);
  });

  it("change the address: confirm it's you → the link goes to the new address → opened → changed; the old address is told", async () => {
    const user = await registeredUser(`change-${js ? "on" : "off"}`);
    const next = newUser(`changed-${js ? "on" : "off"}`).email;
    const page = await chromium.page(js);
    const errors = watchConsole(page);
    await visit(page, "/login/");
    await logIn(page, user);
    await lapseConfirmation(user.email);
    await visit(page, "/account/");
    await page.getByRole("link", { name: "Change email address" }).click();
    await expectPath(page, "/account/confirm/?next=%2Faccount%2Femail%2F");
    await waitForHydration(page);
    await field.password(page).fill(user.password);
    await mainButton(page, "Confirm").click();
    await expectPath(page, "/account/email/");
    await waitForHydration(page);
    await page.getByLabel("New email", { exact: true }).fill(next);
    await mainButton(page, "Send confirmation link").click();
    await expectPath(page, "/account/");
    await expect(flash(page).textContent()).resolves.toContain(
      `We have sent a link to ${next}. Your address changes when you open it.`,
    );
    // Nothing has changed yet.
    await expect(page.getByRole("main").textContent()).resolves.toContain(user.email);

    const link = await waitForAddressLink(next);
    await page.goto(pathOf(link));
    await waitForHydration(page);
    // What the page says, not only that a heading is there: a failure shows what it said instead.
    await expect(page.getByRole("main").textContent()).resolves.toContain(
      `Confirm ${next} as the new email address of your account.`,
    );
    await mainButton(page, "Confirm email address").click();
    await expectPath(page, "/dash/");
    await expect(flash(page).textContent()).resolves.toContain(CONFIRMED);
    await visit(page, "/account/");
    const main = await page.getByRole("main").textContent();
    expect(main).toContain(next);
    expect(main).not.toContain(user.email);

    const notice = await waitForMessage(user.email, "Your email address was changed");
    expect(notice).toContain("/account/");
    expect(messagesTo(next).some((message) => message.parts.some((part) => part.includes("was changed from")))).toBe(
      false,
    );
    expect(errors).toEqual([]);
  });
});

// ---------- axe on every state of these pages ----------

type State = { state: string; step: (page: Page) => Promise<void> };

function statesFor(user: ReturnType<typeof newUser>, next: string): State[] {
  return [
    { state: "dash-unconfirmed", step: (page) => logIn(page, user) },
    {
      state: "dash-link-sent-again",
      step: async (page) => {
        await mainButton(page, "Send the link again").click();
        await flash(page).waitFor();
      },
    },
    { state: "account-unconfirmed", step: (page) => visit(page, "/account/") },
    {
      state: "verify-email",
      step: async (page) => {
        await page.goto(pathOf(await waitForAddressLink(user.email)));
        await waitForHydration(page);
      },
    },
    {
      state: "verify-email-invalid",
      step: async (page) => {
        await visit(page, `/verify-email/?token=${"A".repeat(43)}`);
        await page.getByRole("main").getByText(INVALID).waitFor();
      },
    },
    {
      state: "account-email",
      step: async (page) => {
        await visit(page, "/account/email/");
        await page.getByLabel("New email", { exact: true }).waitFor();
      },
    },
    {
      state: "account-email-errors",
      step: async (page) => {
        await page.getByLabel("New email", { exact: true }).fill(user.email);
        await mainButton(page, "Send confirmation link").click();
        await page.getByText("That is already your email address").waitFor();
      },
    },
    {
      state: "account-email-sent",
      step: async (page) => {
        await page.getByLabel("New email", { exact: true }).fill(next);
        await mainButton(page, "Send confirmation link").click();
        await expectPath(page, "/account/");
        await flash(page).waitFor();
      },
    },
    {
      state: "verify-new-email",
      step: async (page) => {
        await page.goto(pathOf(await waitForAddressLink(next)));
        await waitForHydration(page);
      },
    },
  ];
}

const report: string[] = [];
afterAll(() => {
  if (report.length) console.log(`\naxe-core ${AXE_VERSION} on the email address pages:\n${report.join("\n")}\n`);
});

describe.each(JS_MODES)("the email address pages: axe and labels ($label)", ({ label, js }) => {
  it("every state: no serious or critical axe violations, every control visibly labelled", async () => {
    const context = js ? await chromium.context(true) : await chromium.contextWithoutAppScripts();
    const page = await context.newPage();
    const user = await registeredUser(`address-a11y-${js ? "on" : "off"}`);
    const next = newUser(`address-a11y-new-${js ? "on" : "off"}`).email;
    await visit(page, "/login/");
    const problems: string[] = [];
    for (const { state, step } of statesFor(user, next)) {
      await step(page);
      const result = await runAxe(page);
      const serious = result.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
      report.push(
        `  ${label.padEnd(6)} ${state.padEnd(22)} violations: ${result.violations.length} (serious/critical: ${serious.length})` +
          (result.violations.length ? `  [${result.violations.map((v) => `${v.id}:${v.impact}`).join(", ")}]` : ""),
      );
      for (const v of serious) problems.push(`${state}: ${v.id} (${v.impact}) ${v.help} at ${v.targets.join(", ")}`);
      for (const control of await controlsWithoutVisibleLabel(page)) problems.push(`${state}: no label for ${control}`);
      for (const basic of await missingBasics(page)) problems.push(`${state}: missing ${basic}`);
    }
    expect(problems).toEqual([]);
  });
});
