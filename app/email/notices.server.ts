// Security notices (docs/product.md "Security notices"): the one way to tell an account's owner that
// something changed how their account signs in or where it is signed in. Call it after the write
// that made the change has succeeded:
//
//   sendSecurityNotice(request, context, { email, firstName }, "passkey_added", { passkey: name });
//
// It names what happened, when (UTC), and the browser, system and place the request came from (read
// as the devices list reads them), links to /account/ and /forgot-password/ only (never a link that
// signs anyone in), and goes out after the response like every email.
import type { AppLoadContext } from "@remix-run/cloudflare";
import { placeLabel, sessionOrigin } from "~/auth/session-origin.server";
import { type Recipient, schedule } from "~/email/send.server";
import { securityNoticeEmail } from "~/email/templates.server";
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
} satisfies Record<string, { subject: string; what: (email: string, passkey?: string) => string }>;

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
  const { subject, what } = NOTICES[event];
  schedule(context, event, to.email, (origin) =>
    securityNoticeEmail({
      subject,
      firstName: to.firstName,
      what: what(to.email, passkey),
      at,
      device,
      place: placeLabel(city, country),
      accountLink: `${origin}/account/`,
      forgotLink: `${origin}/forgot-password/`,
    }),
  );
}
