// Passkeys in a real Chromium, with the DevTools protocol's virtual authenticator (CTAP2, internal
// transport, resident keys, user verification) standing in for a fingerprint reader: add one on
// /account/passkeys/, log out, sign in with the button, sign in through autofill (conditional UI),
// confirm it's you with it, remove it, and see a sign-in with it refused. Then axe and screenshots
// of the pages' states, the passkeys page at a phone's and a laptop's width in both colour schemes.
import type { Page } from "playwright-core";
import { describe, it } from "vitest";
import { onLocalhost, withAuthenticator } from "./authenticator";
import {
  connectBrowser,
  controlsWithoutVisibleLabel,
  expect,
  expectPath,
  flash,
  logIn,
  logOut,
  queryD1,
  registeredUser,
  runAxe,
  settleColourScheme,
  shootAtEverySize,
  visit,
  waitForHydration,
  watchConsole,
} from "./support";

const chromium = connectBrowser();

async function addPasskey(page: Page) {
  await visit(page, "/account/passkeys/");
  await waitForHydration(page);
  await page.getByRole("button", { name: "Add a passkey" }).click();
  await expect(flash(page).textContent()).resolves.toContain("The passkey has been added.");
}

const listed = (page: Page) => page.locator("ul.passkeys > li");

/** As if this user's sessions had last confirmed who they are long ago (signing in counts as a confirmation). */
async function lapseConfirmation(email: string) {
  await queryD1(`UPDATE sessions SET confirmed_at = 0 WHERE user_id = (SELECT id FROM users WHERE email = '${email}')`);
}

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
    // With JavaScript off, "Confirm it's you" offers the password only, even to a user with a passkey.
    const noScript = await chromium.page(false, onLocalhost);
    await visit(noScript, "/login/");
    await logIn(noScript, user);
    await visit(noScript, "/account/confirm/");
    await noScript.getByRole("button", { name: "Confirm", exact: true }).waitFor();
    await expect(noScript.getByRole("button", { name: "Use a passkey" }).count()).resolves.toBe(0);
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
    // Three sign-ins: the first, the one with JavaScript off, this one.
    expect(rows?.[0]?.login_count).toBe(3);
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

    // Removing needs a confirmation in the last 10 minutes: let this session's lapse, and give it
    // with the passkey ("Use a passkey" on "Confirm it's you"), which brings the page back.
    await lapseConfirmation(user.email);
    await visit(page, "/account/passkeys/");
    await waitForHydration(page);
    await listed(page).first().getByRole("button", { name: "Remove" }).click();
    await expectPath(page, "/account/confirm/?next=%2Faccount%2Fpasskeys%2F");
    await page.getByRole("heading", { name: "Confirm it's you" }).waitFor();
    await waitForHydration(page);
    await page.getByRole("button", { name: "Use a passkey" }).click();
    await expectPath(page, "/account/passkeys/");
    await waitForHydration(page);
    // Then removing it goes through; afterwards it no longer signs anyone in.
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

  it("axe finds nothing serious on the pages' states, every control is labelled; screenshots at 375 and 1280 px, light and dark", async () => {
    const user = await registeredUser("passkey-a11y");
    const context = await chromium.context(true, onLocalhost);
    const { page } = await withAuthenticator(context);
    const problems: string[] = [];
    const saved: string[] = [];
    const check = async (state: string) => {
      // What a closed <details> holds does not animate while hidden: let a colour change left over
      // from the last scheme switch finish before measuring.
      await settleColourScheme(page, "light");
      const result = await runAxe(page);
      for (const v of result.violations.filter((v) => v.impact === "serious" || v.impact === "critical"))
        problems.push(`${state}: ${v.id} ${v.help} at ${v.targets.join(", ")}`);
      for (const control of await controlsWithoutVisibleLabel(page)) problems.push(`${state}: no label for ${control}`);
      // At a phone's and a laptop's width, light and dark: no sideways scroll, axe's contrast rule, a screenshot.
      const shots = await shootAtEverySize(page, `passkeys-${state}`);
      saved.push(...shots.saved);
      problems.push(...shots.problems);
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
    await visit(page, "/account/confirm/?next=%2Faccount%2Fpasskeys%2F");
    await page.getByRole("button", { name: "Use a passkey" }).waitFor();
    await check("confirm-with-passkey");
    expect(problems).toEqual([]);
    console.log(`\npasskey screenshots:\n${saved.map((path) => `  ${path}`).join("\n")}\n`);
  });
});
