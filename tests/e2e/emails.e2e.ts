// Every email the app sends, as it sends it: the test makes the running app (`npm start`) send each
// one the way a person would cause it, reads its HTML part from the files the simulated send_email
// binding wrote (tests/e2e/mail.ts), and renders it in Chromium at a phone's and a laptop's width,
// light and dark (the templates switch colours under prefers-color-scheme): a screenshot of each
// (tests/e2e/screenshots/email-<name>-<width>x<height>-<scheme>.png), no sideways scroll, axe's
// contrast rule in both schemes. The emails, by name:
//   confirm-address       "Confirm your email address" (registration)
//   new-sign-in           "New sign-in to your account" (another browser and system)
//   passkey-added         "A passkey was added to your account"
//   passkey-removed       "A passkey was removed from your account"
//   two-factor-on         "Two-step verification was turned on"
//   recovery-code-used    "A recovery code was used to sign in to your account"
//   two-factor-off        "Two-step verification was turned off"
//   password-changed      "Your password was changed"
//   confirm-new-address   "Confirm your new email address" (to the new address)
//   email-changed         "Your email address was changed" (to the old address)
//   reset-password        "Reset your password"
//   old-password-off      "Your old password was turned off" (users:legacy --expire-older-than)
// A subject in app/email/ missing from this list fails the test.
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "vitest";
import { onLocalhost, withAuthenticator } from "./authenticator";
import { waitForAddressLink, waitForHtmlPart } from "./mail";
import {
  connectBrowser,
  expect,
  expectPath,
  flash,
  logIn,
  logInWithRecoveryCode,
  logOut,
  mainButton,
  NEW_PASSWORD,
  newUser,
  operatorCommand,
  postFormOverHttp,
  registerOverHttp,
  shootAtEverySize,
  turnOnTwoFactor,
  visit,
  waitForHydration,
} from "./support";

const chromium = connectBrowser();

/** A werkzeug PBKDF2 hash in the form the Flask site stored (which password it hashes does not matter here). */
const FLASK_HASH = `pbkdf2:sha256:260000$NsBxWGgLBhpdHZ6E$${"0123456789abcdef".repeat(4)}`;

/** Every subject written out in app/email/ (templates and notices), sorted: each kind of email the app sends. */
function subjectsInTheApp(): string[] {
  const dir = new URL("../../app/email/", import.meta.url);
  return readdirSync(dir)
    .flatMap((file) => [...readFileSync(new URL(file, dir), "utf8").matchAll(/\bsubject: "([^"]+)"/g)])
    .map((match) => match[1] ?? "")
    .sort();
}

describe("the emails' HTML parts in Chromium", () => {
  it("each one at 375 and 1280 px, light and dark: screenshots, no sideways scroll, readable contrast", async () => {
    const user = newUser("mail-shots");
    const next = newUser("mail-shots-new").email;

    // Registration: "Confirm your email address". The first sign-in (over HTTP) sends nothing; the
    // next, from Chromium (another browser and system), sends "New sign-in to your account".
    await registerOverHttp(user);
    expect((await postFormOverHttp("/login/", { email: user.email, password: user.password })).status).toBe(303);
    const context = await chromium.context(true, onLocalhost);
    const { page } = await withAuthenticator(context);
    await visit(page, "/login/");
    await logIn(page, user);

    // A passkey added, then removed (signing in just now counts as the confirmation).
    await visit(page, "/account/passkeys/");
    await waitForHydration(page);
    await page.getByRole("button", { name: "Add a passkey" }).click();
    await expect(flash(page).textContent()).resolves.toContain("The passkey has been added.");
    await waitForHydration(page);
    await page.locator("ul.passkeys > li").first().getByRole("button", { name: "Remove" }).click();
    await flash(page).filter({ hasText: "The passkey has been removed." }).waitFor();

    // Two-step verification turned on, a sign-in with a recovery code, then turned off (that sign-in
    // counts as the confirmation the page asks for).
    const { codes } = await turnOnTwoFactor(page);
    await logOut(page);
    await logInWithRecoveryCode(page, user, codes[0] ?? "");
    await visit(page, "/account/two-factor/");
    await mainButton(page, "Turn off").click();
    await expectPath(page, "/account/");
    await flash(page).filter({ hasText: "Two-step verification is off." }).waitFor();

    // "Your password was changed".
    await visit(page, "/account/password/");
    await page.getByLabel("Current password", { exact: true }).fill(user.password);
    await page.getByLabel("New password", { exact: true }).fill(NEW_PASSWORD);
    await page.getByLabel("Confirm new password", { exact: true }).fill(NEW_PASSWORD);
    await mainButton(page, "Change password").click();
    await expectPath(page, "/account/");

    // "Confirm your new email address" to the new address; once opened, "Your email address was
    // changed" to the old one. Then "Reset your password" to the new one.
    await visit(page, "/account/email/");
    await page.getByLabel("New email", { exact: true }).fill(next);
    await mainButton(page, "Send confirmation link").click();
    await expectPath(page, "/account/");
    await page.goto(await waitForAddressLink(next));
    await waitForHydration(page);
    await mainButton(page, "Confirm email address").click();
    await expectPath(page, "/dash/");
    expect((await postFormOverHttp("/forgot-password/", { email: next })).status).toBe(200);

    // An account brought over from the Flask site and not signed in to since: the operator turns its
    // old password off, "Your old password was turned off" (the command has the app send it).
    const flask = newUser("mail-shots-flask");
    const csv = join(mkdtempSync(join(tmpdir(), "emails-e2e-")), "users.csv");
    writeFileSync(
      csv,
      `email,first_name,last_name,password_hash\n${flask.email},${flask.firstName},${flask.lastName},${FLASK_HASH}\n`,
    );
    const imported = operatorCommand("users:import", [csv]);
    expect(imported.status, imported.out).toBe(0);
    const expired = operatorCommand("users:legacy", ["--expire-older-than", "0", "--yes"]);
    expect(expired.status, expired.out).toBe(0);

    const emails: [slug: string, to: string, subject: string][] = [
      ["confirm-address", user.email, "Confirm your email address"],
      ["new-sign-in", user.email, "New sign-in to your account"],
      ["passkey-added", user.email, "A passkey was added to your account"],
      ["passkey-removed", user.email, "A passkey was removed from your account"],
      ["two-factor-on", user.email, "Two-step verification was turned on"],
      ["recovery-code-used", user.email, "A recovery code was used to sign in to your account"],
      ["two-factor-off", user.email, "Two-step verification was turned off"],
      ["password-changed", user.email, "Your password was changed"],
      ["confirm-new-address", next, "Confirm your new email address"],
      ["email-changed", user.email, "Your email address was changed"],
      ["reset-password", next, "Reset your password"],
      ["old-password-off", flask.email, "Your old password was turned off"],
    ];
    expect(emails.map(([, , subject]) => subject).sort()).toEqual(subjectsInTheApp());
    const viewer = await chromium.page(true);
    const problems: string[] = [];
    const saved: string[] = [];
    for (const [slug, to, subject] of emails) {
      const html = await waitForHtmlPart(to, subject);
      // The templates say they support both schemes; each shot below proves it renders in both.
      expect(html).toContain('<meta name="color-scheme" content="light dark">');
      await viewer.setContent(html);
      const shots = await shootAtEverySize(viewer, `email-${slug}`);
      saved.push(...shots.saved);
      problems.push(...shots.problems);
    }
    expect(problems).toEqual([]);
    expect(saved).toHaveLength(emails.length * 4);
    console.log(`\nemail screenshots:\n${saved.map((path) => `  ${path}`).join("\n")}\n`);
  });
});
