// Security notices (docs/product.md "Security notices"): the one way to tell an account's owner that
// something changed how their account signs in or where it is signed in. Call it after the write
// that made the change has succeeded:
//
//   sendSecurityNotice(request, context, { email, firstName }, "passkey_added", { passkey: name });
//
// It names what happened, when (UTC), and the browser, system and place the request came from (read
// as the devices list reads them), links to /account/ and /forgot-password/ only (never a link that
// signs anyone in), and goes out after the response like every email. A change an operator made with
// a command has no request: its notice is queued (app/email/outbox.server.ts) and the scheduled run
// sends it with `sendOperatorNotice`, the same notice naming the site's operator instead of a device.
import type { AppLoadContext } from "@remix-run/cloudflare";
import { placeLabel, sessionOrigin } from "~/auth/session-origin.server";
import { type Recipient, schedule, sendNow } from "~/email/send.server";
import { type EmailContent, type MadeBy, type NextStep, securityNoticeEmail } from "~/email/templates.server";
import { PRODUCT_NAME } from "~/messages";

const NOTICES = {
  password_changed: {
    subject: "Your password was changed",
    what: (email: string) => `The password of your ${PRODUCT_NAME} account (${email}) was changed.`,
  },
  email_changed: {
    subject: "Your email address was changed",
    what: (email: string) =>
      `The email address of your ${PRODUCT_NAME} account was changed from ${email} to another address. This address no longer signs in to it.`,
  },
  two_factor_enabled: {
    subject: "Two-step verification was turned on",
    what: (email: string) => `Two-step verification was turned on for your ${PRODUCT_NAME} account (${email}).`,
  },
  two_factor_disabled: {
    subject: "Two-step verification was turned off",
    what: (email: string) => `Two-step verification was turned off for your ${PRODUCT_NAME} account (${email}).`,
  },
  recovery_code_used: {
    subject: "A recovery code was used to sign in to your account",
    what: (email: string) => `A recovery code was used to sign in to your ${PRODUCT_NAME} account (${email}).`,
  },
  passkey_added: {
    subject: "A passkey was added to your account",
    what: (email: string, passkey?: string) =>
      `A passkey${named(passkey)} was added to your ${PRODUCT_NAME} account (${email}).`,
  },
  passkey_removed: {
    subject: "A passkey was removed from your account",
    what: (email: string, passkey?: string) =>
      `A passkey${named(passkey)} was removed from your ${PRODUCT_NAME} account (${email}).`,
  },
  new_sign_in: {
    subject: "New sign-in to your account",
    what: (email: string) =>
      `Your ${PRODUCT_NAME} account (${email}) was signed in to from a browser and system it has not been signed in from before.`,
  },
  // Queued by `users:legacy --expire-older-than` only: a Flask-site hash made unusable, long unused.
  old_password_expired: {
    subject: "Your old password was turned off",
    what: (email: string) =>
      `The password of your ${PRODUCT_NAME} account (${email}), the one you used on our old site, was turned off because it had not been used for a long time.`,
    nextStep: {
      advice:
        "To sign in again, choose a new password: ask for a link to set one, and we will send it to this address. Until then, nobody can sign in with your old password.",
      action: "Choose a new password",
    },
  },
} satisfies Record<string, Notice>;

/** What a notice says happened (to the account with this address), and what to do when it asks something. */
type Notice = { subject: string; what: (email: string, passkey?: string) => string; nextStep?: NextStep };

/** The passkey's name as the passkeys page lists it, so the owner can tell which one. */
function named(passkey: string | undefined): string {
  return passkey ? ` ("${passkey}")` : "";
}

export type SecurityNotice = keyof typeof NOTICES;

/**
 * Schedules the notice of `event` to `to` (the account's address: for "email_changed", the OLD one),
 * describing `request` as where it came from; `passkey` names the passkey added or removed. Throws
 * at once on missing mail configuration.
 */
export function sendSecurityNotice(
  request: Request,
  context: AppLoadContext,
  to: Recipient,
  event: SecurityNotice,
  { at = new Date(), passkey }: { at?: Date; passkey?: string } = {},
): void {
  const { device, city, country } = sessionOrigin(request, context.cloudflare.cf);
  schedule(context, event, to.email, notice(to, event, { device, place: placeLabel(city, country) }, at, passkey));
}

/**
 * Sends now the notice of a change the site's operator made at `at` (a command, no request); resolves
 * once the binding has taken it, rejects (unlogged) when it has not.
 */
export function sendOperatorNotice(env: Env, to: Recipient, event: SecurityNotice, at: Date): Promise<void> {
  return sendNow(env, to.email, notice(to, event, "operator", at));
}

/** The notice, built once the links' origin is known. */
function notice(to: Recipient, event: SecurityNotice, by: MadeBy, at: Date, passkey?: string) {
  const { subject, what, nextStep }: Notice = NOTICES[event];
  return (origin: string): EmailContent =>
    securityNoticeEmail({
      subject,
      firstName: to.firstName,
      what: what(to.email, passkey),
      at,
      by,
      accountLink: `${origin}/account/`,
      forgotLink: `${origin}/forgot-password/`,
      nextStep,
    });
}

/** A notice's subject (the operator commands name what they queued). */
export const noticeSubject = (event: SecurityNotice): string => NOTICES[event].subject;
