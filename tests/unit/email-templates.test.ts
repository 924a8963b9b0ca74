// app/email/: every email has a text and an HTML part saying the same, escapes what it interpolates,
// and a security notice links only to pages that ask for a password (none signs anyone in).
import { describe, expect, it } from "vitest";
import {
  confirmAddressEmail,
  confirmNewAddressEmail,
  type NoticeFacts,
  passwordResetEmail,
  securityNoticeEmail,
} from "~/email/templates.server";

const HOSTILE = `<script>alert("x")</script> & 'quotes'`;
const facts: NoticeFacts = {
  subject: "Your password was changed",
  firstName: HOSTILE,
  what: `The password of your account (${HOSTILE}) was changed.`,
  at: new Date("2026-12-04T18:07:59.999Z"),
  by: { device: `Firefox on ${HOSTILE}`, place: "Lyon, France" },
  accountLink: "https://auth.example.com/account/",
  forgotLink: "https://auth.example.com/forgot-password/",
};

const all = {
  reset: passwordResetEmail({ to: HOSTILE, link: "https://auth.example.com/reset-password/?token=a&b", minutes: 30 }),
  confirm: confirmAddressEmail({
    firstName: HOSTILE,
    to: HOSTILE,
    link: "https://auth.example.com/verify-email/?token=a",
    hours: 24,
  }),
  confirmNew: confirmNewAddressEmail({
    firstName: HOSTILE,
    to: HOSTILE,
    link: "https://auth.example.com/verify-email/?token=b",
    minutes: 60,
  }),
  notice: securityNoticeEmail(facts),
  noticeWithNextStep: securityNoticeEmail({
    ...facts,
    by: "operator",
    nextStep: { advice: `Choose a new one, ${HOSTILE}.`, action: "Choose a new password" },
  }),
};

describe("every email", () => {
  it.each(Object.entries(all))(
    "%s: escapes interpolated text in the HTML, keeps it verbatim in the text part",
    (_name, email) => {
      expect(email.html).not.toContain("<script>");
      expect(email.html).toContain("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;quotes&#39;");
      expect(email.text).toContain(HOSTILE);
      expect(email.html).toContain(`<title>${email.subject}</title>`);
    },
  );

  it.each(Object.entries(all))(
    "%s: declares light and dark colour schemes, a dark palette and a phone width",
    (_name, email) => {
      expect(email.html).toContain('<meta name="color-scheme" content="light dark">');
      expect(email.html).toContain("@media (prefers-color-scheme: dark)");
      expect(email.html).toContain('<meta name="viewport" content="width=device-width, initial-scale=1">');
    },
  );

  it("a link with & in it is escaped in href and text", () => {
    expect(all.reset.html).toContain('href="https://auth.example.com/reset-password/?token=a&amp;b"');
  });
});

describe("a security notice", () => {
  it("says what, when (UTC, to the minute), device and place, in both parts", () => {
    const { text, html } = all.notice;
    expect(text).toContain("When: 2026-12-04 18:07 UTC");
    expect(text).toContain(`Device: Firefox on ${HOSTILE}`);
    expect(text).toContain("Place: Lyon, France");
    expect(html).toContain("2026-12-04 18:07 UTC");
    expect(html).toContain("Lyon, France");
  });

  it("links only to the account page and the reset form", () => {
    const hrefs = [...all.notice.html.matchAll(/href="([^"]+)"/g)].map((m) => m[1]).sort();
    expect(hrefs).toEqual([facts.accountLink, facts.forgotLink]);
    const urls = all.notice.text.match(/https?:\/\/\S+/g)?.sort();
    expect(urls).toEqual([facts.accountLink, facts.forgotLink]);
  });

  it("an unknown device or place says so", () => {
    const { text } = securityNoticeEmail({ ...facts, by: { device: null, place: null } });
    expect(text).toContain("Device: Unknown device");
    expect(text).toContain("Place: Unknown place");
  });

  it("made by the operator: says so in place of a device and place, and what to do if it was not asked for", () => {
    const { text, html } = securityNoticeEmail({ ...facts, by: "operator" });
    for (const part of [text, html.replaceAll("&#39;", "'")]) {
      expect(part).toContain("The site's operator, not a device signed in to your account");
      expect(part).toContain("If you asked for this, there is nothing to do.");
      expect(part).toContain("If you didn't ask for it, reset your password now");
      expect(part).not.toMatch(/Device:|Place:|Unknown device/);
    }
    expect(text).toContain("When: 2026-12-04 18:07 UTC");
    expect(text).toContain("By: The site's operator, not a device signed in to your account");
  });

  it('with a next step: its advice and button take the place of "nothing to do" and "reset your password"', () => {
    const { text, html } = all.noticeWithNextStep;
    expect(text).toContain(`Choose a new one, ${HOSTILE}.\nChoose a new password: ${facts.forgotLink}`);
    expect(html).toMatch(new RegExp(`<a href="${facts.forgotLink}" class="button"[^>]*>Choose a new password</a>`));
    for (const part of [text, html.replaceAll("&#39;", "'")]) {
      expect(part).not.toMatch(/nothing to do|didn't ask|wasn't you|Reset your password/);
    }
    const hrefs = [...html.matchAll(/href="([^"]+)"/g)].map((m) => m[1]).sort();
    expect(hrefs).toEqual([facts.accountLink, facts.forgotLink]);
  });
});
