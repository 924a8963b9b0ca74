// The emails the app sends, each as a subject with a plain-text and an HTML part that say the same.
// Everything interpolated into the HTML is escaped. The layout is one column with inline styles (what
// mail clients render most reliably), light by default; a <style> block, which clients that honour
// it read, switches to dark colours under prefers-color-scheme: dark and narrows the margins on a
// phone.
import { PRODUCT_NAME } from "~/messages";

export type EmailContent = { subject: string; text: string; html: string };

const SIGNATURE = `— ${PRODUCT_NAME}`;

/** "Reset your password": the link, how long it lasts, and what to do if it was not you. */
export function passwordResetEmail({ to, link, minutes }: { to: string; link: string; minutes: number }): EmailContent {
  const lasts = `The link works once, for ${minutes} minutes. If you ask for another one, only the newest works.`;
  const notYou = "If you didn't ask for this, ignore this email: your password stays as it is.";
  const why = `Someone asked to reset the password of the ${PRODUCT_NAME} account for ${to}.`;
  return linkEmail({
    subject: "Reset your password",
    greeting: "Hello,",
    lines: [why],
    action: "Set a new password",
    link,
    after: [lasts, notYou],
  });
}

/** Who an address link goes to, and the link. */
type AddressLink = { firstName: string; to: string; link: string };

/** "Confirm your email address", sent after registration and by "Send the link again". */
export function confirmAddressEmail({ firstName, to, link, hours }: AddressLink & { hours: number }): EmailContent {
  return linkEmail({
    subject: "Confirm your email address",
    greeting: `Hello ${firstName},`,
    lines: [`Please confirm that ${to} is the address of your ${PRODUCT_NAME} account.`],
    action: "Confirm email address",
    link,
    after: [
      `The link works once, for ${hours} hours. If you ask for another one, only the newest works.`,
      "If you didn't create this account, ignore this email.",
    ],
  });
}

/** "Confirm your new email address", sent to the NEW address of an address change. */
export function confirmNewAddressEmail({
  firstName,
  to,
  link,
  minutes,
}: AddressLink & { minutes: number }): EmailContent {
  return linkEmail({
    subject: "Confirm your new email address",
    greeting: `Hello ${firstName},`,
    lines: [
      `You asked to change the email address of your ${PRODUCT_NAME} account to ${to}.`,
      "Nothing changes until you open this link and confirm.",
    ],
    action: "Confirm email address",
    link,
    after: [
      `The link works once, for ${minutes} minutes.`,
      "If you didn't ask for this, ignore this email: the account keeps its address.",
    ],
  });
}

/** Who made a change: a browser (its label and place, null when unknown), or the site's operator (a command). */
export type MadeBy = { device: string | null; place: string | null } | "operator";

export type NoticeFacts = {
  /** The notice's subject, which is also what happened in a few words ("Your password was changed"). */
  subject: string;
  firstName: string;
  /** One sentence on what happened, to which account. */
  what: string;
  at: Date;
  by: MadeBy;
  accountLink: string;
  forgotLink: string;
  /**
   * What the owner should do, when the notice asks something of them (an expired password: choose a
   * new one). Without it, the notice says there is nothing to do if it was them, and to reset their
   * password if it wasn't.
   */
  nextStep?: NextStep;
};

/** Advice on what to do now, and the label of the button to /forgot-password/ that does it. */
export type NextStep = { advice: string; action: string };

/**
 * A security notice: what happened, when (UTC), from which browser, system and place (or that the
 * site's operator did it), and what to do if it was not the owner (or not asked for), or the notice's
 * own next step. Its links lead to pages that ask for a password or an address: none signs anyone in.
 */
export function securityNoticeEmail(facts: NoticeFacts): EmailContent {
  const when = `${facts.at.toISOString().slice(0, 16).replace("T", " ")} UTC`;
  const { by } = facts;
  const operator = by === "operator";
  // An operator acts when the owner asks (a lost password, a lost authenticator), from no device of theirs.
  const details: [string, string][] = operator
    ? [
        ["When", when],
        ["By", "The site's operator, not a device signed in to your account"],
      ]
    : [
        ["When", when],
        ["Device", by.device ?? "Unknown device"],
        ["Place", by.place ?? "Unknown place"],
      ];
  const { before, advice, action } = facts.nextStep
    ? { before: [], ...facts.nextStep }
    : {
        before: [
          operator ? "If you asked for this, there is nothing to do." : "If that was you, there is nothing to do.",
        ],
        advice: `If ${operator ? "you didn't ask for it" : "it wasn't you"}, reset your password now: that signs every device out of your account. Then check your account page.`,
        action: "Reset your password",
      };
  return {
    subject: facts.subject,
    text: [
      `Hello ${facts.firstName},`,
      facts.what,
      details.map(([label, value]) => `${label}: ${value}`).join("\n"),
      ...before,
      `${advice}\n${action}: ${facts.forgotLink}\nYour account: ${facts.accountLink}`,
      SIGNATURE,
    ].join("\n\n"),
    html: layout(facts.subject, [
      paragraph(`Hello ${facts.firstName},`),
      paragraph(facts.what),
      factList(details),
      ...before.map((line) => paragraph(line)),
      paragraph(advice),
      button(facts.forgotLink, action),
      paragraph(
        `<a href="${escapeHtml(facts.accountLink)}" class="link" style="color:#1d4ed8">Review your account</a>`,
        {
          raw: true,
        },
      ),
    ]),
  };
}

/** An email whose point is one link: a greeting, why it came, the button, the link as text, then the fine print. */
function linkEmail({
  subject,
  greeting,
  lines,
  action,
  link,
  after,
}: {
  subject: string;
  greeting: string;
  lines: string[];
  action: string;
  link: string;
  after: string[];
}): EmailContent {
  return {
    subject,
    text: [greeting, ...lines, `${action}:\n${link}`, ...after, SIGNATURE].join("\n\n"),
    html: layout(subject, [
      paragraph(greeting),
      ...lines.map((line) => paragraph(line)),
      button(link, action),
      paragraph(`Or paste this address into your browser: ${escapeHtml(link)}`, { raw: true, small: true }),
      ...after.map((line) => paragraph(line)),
    ]),
  };
}

const DARK_AND_NARROW = `<style>
@media (prefers-color-scheme: dark) {
  body.mail { background: #18181b !important; color: #f4f4f5 !important; }
  .mail .card { background: #27272a !important; }
  .mail .muted, .mail .fact-label { color: #a1a1aa !important; }
  .mail .button { background: #3b82f6 !important; color: #0b1120 !important; }
  .mail .link { color: #93c5fd !important; }
}
@media (max-width: 480px) {
  body.mail { padding: 8px !important; }
  .mail .card { padding: 20px !important; }
}
</style>`;

function layout(title: string, blocks: string[]): string {
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark"><meta name="supported-color-schemes" content="light dark">
<title>${escapeHtml(title)}</title>
${DARK_AND_NARROW}</head>
<body class="mail" style="margin:0;padding:24px;background:#f4f4f5;color:#18181b;font-family:system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;font-size:16px;line-height:1.5">
<div class="card" style="max-width:560px;margin:0 auto;background:#ffffff;border-radius:8px;padding:32px">
<p style="margin:0 0 24px;font-weight:700;font-size:18px">${escapeHtml(PRODUCT_NAME)}</p>
<h1 style="margin:0 0 16px;font-size:22px;line-height:1.3">${escapeHtml(title)}</h1>
${blocks.join("\n")}
</div>
</body>
</html>`;
}

function paragraph(text: string, { raw = false, small = false } = {}): string {
  if (small) {
    return `<p class="muted" style="margin:0 0 16px;font-size:14px;color:#52525b;word-break:break-all">${raw ? text : escapeHtml(text)}</p>`;
  }
  return `<p style="margin:0 0 16px">${raw ? text : escapeHtml(text)}</p>`;
}

function factList(facts: [string, string][]): string {
  const items = facts
    .map(
      ([label, value]) =>
        `<li style="margin:0 0 4px"><span class="fact-label" style="color:#52525b">${escapeHtml(label)}:</span> ${escapeHtml(value)}</li>`,
    )
    .join("");
  return `<ul style="margin:0 0 16px;padding:0;list-style:none">${items}</ul>`;
}

function button(href: string, label: string): string {
  return `<p style="margin:24px 0"><a href="${escapeHtml(href)}" class="button" style="display:inline-block;background:#1d4ed8;color:#ffffff;text-decoration:none;font-weight:600;padding:12px 20px;border-radius:6px">${escapeHtml(label)}</a></p>`;
}

function escapeHtml(text: string): string {
  return text
    .replaceAll("&", "&amp;")
    .replaceAll("<", "&lt;")
    .replaceAll(">", "&gt;")
    .replaceAll('"', "&quot;")
    .replaceAll("'", "&#39;");
}
