// The emails the app sends, each as a subject with a plain-text and an HTML part that say the same.
// Everything interpolated into the HTML is escaped; the layout is a single table-free column with
// inline styles, which is what mail clients render most reliably.
import { PRODUCT_NAME } from "~/messages";

export type EmailContent = { subject: string; text: string; html: string };

/** "Reset your password": the link, how long it lasts, and what to do if it was not you. */
export function passwordResetEmail({ to, link, minutes }: { to: string; link: string; minutes: number }): EmailContent {
  const lasts = `The link works once, for ${minutes} minutes. If you ask for another one, only the newest works.`;
  const notYou = "If you didn't ask for this, ignore this email: your password stays as it is.";
  const why = `Someone asked to reset the password of the ${PRODUCT_NAME} account for ${to}.`;
  return {
    subject: "Reset your password",
    text: [`Hello,`, why, `Set a new password here:\n${link}`, lasts, notYou, `— ${PRODUCT_NAME}`].join("\n\n"),
    html: layout("Reset your password", [
      paragraph("Hello,"),
      paragraph(why),
      button(link, "Set a new password"),
      paragraph(`Or paste this address into your browser: ${escapeHtml(link)}`, { raw: true, small: true }),
      paragraph(lasts),
      paragraph(notYou),
    ]),
  };
}

/** "Your password was changed": when, and where to go if it was not the account's owner. */
export function passwordChangedEmail({
  to,
  firstName,
  changedAt,
  forgotLink,
}: {
  to: string;
  firstName: string;
  changedAt: Date;
  forgotLink: string;
}): EmailContent {
  const when = `${changedAt.toISOString().slice(0, 16).replace("T", " ")} UTC`;
  const what = `The password of your ${PRODUCT_NAME} account (${to}) was changed on ${when}.`;
  const fine = "If that was you, there is nothing to do.";
  const notYou =
    "If it wasn't you, reset your password now: that signs every device out of your account. Then check the devices listed on your account page.";
  return {
    subject: "Your password was changed",
    text: [`Hello ${firstName},`, what, fine, `${notYou}\n${forgotLink}`, `— ${PRODUCT_NAME}`].join("\n\n"),
    html: layout("Your password was changed", [
      paragraph(`Hello ${firstName},`),
      paragraph(what),
      paragraph(fine),
      paragraph(notYou),
      button(forgotLink, "Reset your password"),
    ]),
  };
}

/** "New sign-in to your account": when, from which browser and place, and where to look if it was not the owner. */
export function newSignInEmail({
  to,
  firstName,
  signedInAt,
  device,
  place,
  accountLink,
}: {
  to: string;
  firstName: string;
  signedInAt: Date;
  device: string;
  place: string | null;
  accountLink: string;
}): EmailContent {
  const when = `${signedInAt.toISOString().slice(0, 16).replace("T", " ")} UTC`;
  const what = `Your ${PRODUCT_NAME} account (${to}) was signed in to on ${when} from ${device}${place ? ` near ${place}` : ""}, a browser and system it had not been signed in from before.`;
  const fine = "If that was you, there is nothing to do.";
  const notYou = "If it wasn't you, sign that device out on your account page and change your password there.";
  return {
    subject: "New sign-in to your account",
    text: [`Hello ${firstName},`, what, fine, `${notYou}\n${accountLink}`, `— ${PRODUCT_NAME}`].join("\n\n"),
    html: layout("New sign-in to your account", [
      paragraph(`Hello ${firstName},`),
      paragraph(what),
      paragraph(fine),
      paragraph(notYou),
      button(accountLink, "Review your account"),
    ]),
  };
}

export type PasskeyChange = "added" | "removed";

/**
 * "A passkey was added to / removed from your account": which one, when, from which device and place,
 * and where to look if it was not the account's owner. No link signs anyone in.
 */
export function passkeyChangedEmail({
  change,
  firstName,
  passkeyName,
  at,
  from,
  accountLink,
}: {
  change: PasskeyChange;
  firstName: string;
  passkeyName: string;
  at: Date;
  /** "Firefox on Linux, London, United Kingdom", or null when the request said nothing. */
  from: string | null;
  accountLink: string;
}): EmailContent {
  const subject =
    change === "added" ? "A passkey was added to your account" : "A passkey was removed from your account";
  const when = `${at.toISOString().slice(0, 16).replace("T", " ")} UTC`;
  const what = `The passkey "${passkeyName}" was ${change === "added" ? "added to" : "removed from"} your ${PRODUCT_NAME} account on ${when}${from ? ` from ${from}` : ""}.`;
  const fine = "If that was you, there is nothing to do.";
  const notYou =
    "If it wasn't you, change your password and check the passkeys and signed-in devices on your account page.";
  return {
    subject,
    text: [`Hello ${firstName},`, what, fine, `${notYou}\n${accountLink}`, `— ${PRODUCT_NAME}`].join("\n\n"),
    html: layout(subject, [
      paragraph(`Hello ${firstName},`),
      paragraph(what),
      paragraph(fine),
      paragraph(notYou),
      button(accountLink, "Review your account"),
    ]),
  };
}

function layout(title: string, blocks: string[]): string {
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${escapeHtml(title)}</title></head>
<body style="margin:0;padding:24px;background:#f4f4f5;color:#18181b;font-family:system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;font-size:16px;line-height:1.5">
<div style="max-width:560px;margin:0 auto;background:#ffffff;border-radius:8px;padding:32px">
<p style="margin:0 0 24px;font-weight:700;font-size:18px">${escapeHtml(PRODUCT_NAME)}</p>
<h1 style="margin:0 0 16px;font-size:22px">${escapeHtml(title)}</h1>
${blocks.join("\n")}
</div>
</body>
</html>`;
}

function paragraph(text: string, { raw = false, small = false } = {}): string {
  const style = small ? "margin:0 0 16px;font-size:14px;color:#52525b;word-break:break-all" : "margin:0 0 16px";
  return `<p style="${style}">${raw ? text : escapeHtml(text)}</p>`;
}

function button(href: string, label: string): string {
  return `<p style="margin:24px 0"><a href="${escapeHtml(href)}" style="display:inline-block;background:#1d4ed8;color:#ffffff;text-decoration:none;font-weight:600;padding:12px 20px;border-radius:6px">${escapeHtml(label)}</a></p>`;
}

function escapeHtml(text: string): string {
  return text
    .replaceAll("&", "&amp;")
    .replaceAll("<", "&lt;")
    .replaceAll(">", "&gt;")
    .replaceAll('"', "&quot;")
    .replaceAll("'", "&#39;");
}
