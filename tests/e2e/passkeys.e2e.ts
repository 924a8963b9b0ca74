// Passkeys in a real Chromium, with the DevTools protocol's virtual authenticator (CTAP2, internal
// transport, resident keys, user verification) standing in for a fingerprint reader: add one on
// /account/passkeys/, log out, sign in with the button, sign in through autofill (conditional UI),
// remove it, and see a sign-in with it refused. Then axe and screenshots of the pages' states.
import { join } from "node:path";
import type { BrowserContext, CDPSession, Page } from "playwright-core";
import { describe, it } from "vitest";
import { SCREENSHOT_DIR } from "./config";
import {
  baseURL,
  connectBrowser,
  controlsWithoutVisibleLabel,
  expect,
  expectPath,
  flash,
  headerButton,
  logIn,
  queryD1,
  registeredUser,
  runAxe,
  visit,
  waitForHydration,
  watchConsole,
} from "./support";

const chromium = connectBrowser();

// The relying party is APP_ORIGIN's host, which `npm start` makes `localhost`; WebAuthn refuses an
// IP address as an rp id, so these pages are opened on localhost (a secure context over http).
const onLocalhost = { baseURL: baseURL.replace("127.0.0.1", "localhost") };

/** A context whose pages have a platform authenticator that verifies the user at once. */
async function withAuthenticator(context: BrowserContext): Promise<{ page: Page; cdp: CDPSession; id: string }> {
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send("WebAuthn.enable", { enableUI: false });
  const { authenticatorId } = await cdp.send("WebAuthn.addVirtualAuthenticator", {
    options: {
      protocol: "ctap2",
      transport: "internal",
      hasResidentKey: true,
      hasUserVerification: true,
      isUserVerified: true,
      automaticPresenceSimulation: true,
    },
  });
  return { page, cdp, id: authenticatorId };
}

async function logOut(page: Page) {
  await headerButton(page, "Log out").click();
  await expectPath(page, "/");
}

async function addPasskey(page: Page) {
  await visit(page, "/account/passkeys/");
  await waitForHydration(page);
  await page.getByRole("button", { name: "Add a passkey" }).click();
  await expect(flash(page).textContent()).resolves.toContain("The passkey has been added.");
}

const listed = (page: Page) => page.locator("ul.passkeys > li");

describe("passkeys in Chromium with a virtual authenticator", () => {
  it("add, log out, sign in with the button and through autofill, remove, then the sign-in is refused", async () => {
    const user = await registeredUser("passkey");
    const context = await chromium.context(true, onLocalhost);
    const { page, cdp, id } = await withAuthenticator(context);
    const errors = watchConsole(page);

    await visit(page, "/login/");
    await logIn(page, user);
    await addPasskey(page);
    await expect(listed(page).count()).resolves.toBe(1);
    await expect(listed(page).first().textContent()).resolves.toMatch(/Passkey.*Added .* UTC · Never used/);
    const { credentials } = await cdp.send("WebAuthn.getCredentials", { authenticatorId: id });
    expect(credentials).toHaveLength(1);
    expect(credentials[0]?.isResidentCredential).toBe(true);
    await logOut(page);

    // Autofill: the login page starts a conditional request as it loads; Chromium's virtual
    // authenticator answers it by itself (no click on the autofill list is needed).
    await visit(page, "/login/");
    const conditional = await page.evaluate(() => PublicKeyCredential.isConditionalMediationAvailable());
    expect(conditional).toBe(true);
    await expectPath(page, "/dash/");
    await page.getByRole("heading", { name: `Welcome, ${user.firstName} ${user.lastName}` }).waitFor();
    const [rows] = await queryD1<{ login_count: number }>(
      `SELECT login_count FROM users WHERE email = '${user.email}'`,
    );
    expect(rows?.[0]?.login_count).toBe(2);
    await logOut(page);

    // The button, in a browser without conditional mediation (where it is there, the autofill request
    // started on load is answered first: Chromium's virtual authenticator answers it by itself).
    await page.addInitScript(() => {
      PublicKeyCredential.isConditionalMediationAvailable = () => Promise.resolve(false);
    });
    await visit(page, "/login/?next=%2Faccount%2F");
    await waitForHydration(page);
    await page.getByRole("button", { name: "Sign in with a passkey" }).click();
    await expectPath(page, "/account/");
    await page.getByRole("heading", { name: "Your account" }).waitFor();

    // Remove it (signing in counts as the confirmation), then it no longer signs anyone in.
    await visit(page, "/account/passkeys/");
    await waitForHydration(page);
    await listed(page).first().getByRole("button", { name: "Remove" }).click();
    await expect(flash(page).textContent()).resolves.toContain("The passkey has been removed.");
    await expect(listed(page).count()).resolves.toBe(0);
    await logOut(page);
    await visit(page, "/login/");
    await waitForHydration(page);
    await page.getByRole("button", { name: "Sign in with a passkey" }).click();
    await expect(page.getByRole("alert").textContent()).resolves.toBe("That passkey is not registered here.");
    expect(new URL(page.url()).pathname).toBe("/login/");
    expect(errors.filter((e) => !e.includes("400"))).toEqual([]);
  });

  it("with JavaScript off: no passkey button on /login/, the note on /account/passkeys/, the password form works", async () => {
    const user = await registeredUser("passkey-nojs");
    const page = await chromium.page(false, onLocalhost);
    await visit(page, "/login/");
    await expect(page.getByRole("button", { name: "Sign in with a passkey" }).count()).resolves.toBe(0);
    await expect(page.locator('input[name="email"]').getAttribute("autocomplete")).resolves.toBe("username webauthn");
    await logIn(page, user);
    await visit(page, "/account/passkeys/");
    await expect(page.locator("main").textContent()).resolves.toContain("Adding a passkey needs JavaScript.");
    await expect(page.getByRole("button", { name: "Add a passkey" }).count()).resolves.toBe(0);
  });

  it("axe finds nothing serious on the pages' states, every control is labelled; screenshots saved", async () => {
    const user = await registeredUser("passkey-a11y");
    const context = await chromium.context(true, onLocalhost);
    const { page } = await withAuthenticator(context);
    const problems: string[] = [];
    const check = async (state: string) => {
      const result = await runAxe(page);
      for (const v of result.violations.filter((v) => v.impact === "serious" || v.impact === "critical"))
        problems.push(`${state}: ${v.id} ${v.help} at ${v.targets.join(", ")}`);
      for (const control of await controlsWithoutVisibleLabel(page)) problems.push(`${state}: no label for ${control}`);
      await page.screenshot({
        path: join(SCREENSHOT_DIR, `passkeys-${state}.png`),
        fullPage: true,
        animations: "disabled",
      });
    };
    await visit(page, "/login/");
    await waitForHydration(page);
    await check("login-with-passkey-button");
    await logIn(page, user);
    await visit(page, "/account/passkeys/");
    await waitForHydration(page);
    await check("account-passkeys-empty");
    await addPasskey(page);
    await check("account-passkeys-one");
    await page.locator("ul.passkeys summary").first().click();
    await check("account-passkeys-rename-open");
    expect(problems).toEqual([]);
  });
});
