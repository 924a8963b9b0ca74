// The one module that sends email: through the `EMAIL` send_email binding (Cloudflare Email
// Sending), from MAIL_FROM, with links on APP_ORIGIN. Sending is scheduled with ctx.waitUntil, so
// no answer waits for it (or shows by its timing whether an email went out). The log never gets
// an address, a link or a token: a failure is logged by its kind only.
import type { AppLoadContext } from "@remix-run/cloudflare";
import { placeLabel } from "~/auth/session-origin.server";
import { config } from "~/config";
import {
  type EmailContent,
  newSignInEmail,
  type PasskeyChange,
  passkeyChangedEmail,
  passwordChangedEmail,
  passwordResetEmail,
} from "~/email/templates.server";
import { readEnv } from "~/env.server";
import { PRODUCT_NAME } from "~/messages";

type MailConfig = { from: string; origin: string };

/**
 * MAIL_FROM and APP_ORIGIN, read by the environment schema: a missing or malformed one throws (so
 * the request that would have sent answers 500 and the log names it) rather than mail going out
 * from, or linking to, the wrong place.
 */
export function mailConfig(env: Env): MailConfig {
  return { from: readEnv(env, "MAIL_FROM"), origin: readEnv(env, "APP_ORIGIN") };
}

/** Schedules the "Reset your password" email with its one-time link. Throws at once on missing configuration. */
export function sendPasswordResetEmail(context: AppLoadContext, to: string, token: string): void {
  schedule(context, "password_reset", to, (origin) =>
    passwordResetEmail({
      to,
      link: `${origin}/reset-password/?${new URLSearchParams({ token })}`,
      minutes: config.tokens.lifetimeMs.password_reset / 60_000,
    }),
  );
}

/**
 * Schedules "Your password was changed" to the account's address (docs/product.md "Change password"; a reset
 * sends it too). Throws at once on missing configuration.
 */
export function notifyPasswordChanged(context: AppLoadContext, user: { email: string; firstName: string }): void {
  const changedAt = new Date();
  schedule(context, "password_changed", user.email, (origin) =>
    passwordChangedEmail({
      to: user.email,
      firstName: user.firstName,
      changedAt,
      forgotLink: `${origin}/forgot-password/`,
    }),
  );
}

/** Schedules "New sign-in to your account" (docs/product.md "Security notices"). Throws at once on missing configuration. */
export function notifyNewSignIn(
  context: AppLoadContext,
  user: { email: string; firstName: string },
  signIn: { at: Date; device: string | null; city: string | null; country: string | null },
): void {
  schedule(context, "new_sign_in", user.email, (origin) =>
    newSignInEmail({
      to: user.email,
      firstName: user.firstName,
      signedInAt: signIn.at,
      device: signIn.device ?? "an unknown device",
      place: placeLabel(signIn.city, signIn.country),
      accountLink: `${origin}/account/`,
    }),
  );
}

/** Schedules "A passkey was added to / removed from your account" to the account's address. */
export function notifyPasskeyChanged(
  context: AppLoadContext,
  user: { email: string; firstName: string },
  change: PasskeyChange,
  passkeyName: string,
  from: string | null,
): void {
  const at = new Date();
  schedule(context, `passkey_${change}`, user.email, (origin) =>
    passkeyChangedEmail({
      change,
      firstName: user.firstName,
      passkeyName,
      at,
      from,
      accountLink: `${origin}/account/`,
    }),
  );
}

/** Checks the configuration now; builds and sends the message after the response. */
function schedule(context: AppLoadContext, kind: string, to: string, build: (origin: string) => EmailContent): void {
  const { env, ctx } = context.cloudflare;
  const { from, origin } = mailConfig(env);
  const send = async () => {
    await env.EMAIL.send({ from: { email: from, name: PRODUCT_NAME }, to, ...build(origin) });
  };
  ctx.waitUntil(
    send().catch((error: unknown) => {
      // The binding's messages can quote the address: only the error's name goes to the log.
      const name = error instanceof Error ? error.name : typeof error;
      console.error(JSON.stringify({ event: "email_failed", kind, error: name }));
    }),
  );
}
