// The one module that sends email: through the `EMAIL` send_email binding (Cloudflare Email
// Sending), from MAIL_FROM, with links on APP_ORIGIN. A request's email is scheduled with
// ctx.waitUntil, so no answer waits for it (or shows by its timing whether an email went out); the
// scheduled run, which has no answer to give, sends and waits (sendNow). The log never gets
// an address, a link or a token: a failure is logged by its kind only.
import type { AppLoadContext } from "@remix-run/cloudflare";
import { config } from "~/config";
import {
  confirmAddressEmail,
  confirmNewAddressEmail,
  type EmailContent,
  passwordResetEmail,
} from "~/email/templates.server";
import { readEnv } from "~/env.server";
import { log } from "~/log.server";
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
      link: tokenLink(origin, "/reset-password/", token),
      minutes: minutesOf("password_reset"),
    }),
  );
}

/** Schedules "Confirm your email address" with its one-time link. */
export function sendConfirmAddressEmail(context: AppLoadContext, to: Recipient, token: string): void {
  schedule(context, "verify_email", to.email, (origin) =>
    confirmAddressEmail({
      firstName: to.firstName,
      to: to.email,
      link: tokenLink(origin, "/verify-email/", token),
      hours: minutesOf("verify_email") / 60,
    }),
  );
}

/** Schedules "Confirm your new email address" to the NEW address, with its one-time link. */
export function sendConfirmNewAddressEmail(context: AppLoadContext, to: Recipient, token: string): void {
  schedule(context, "change_email", to.email, (origin) =>
    confirmNewAddressEmail({
      firstName: to.firstName,
      to: to.email,
      link: tokenLink(origin, "/verify-email/", token),
      minutes: minutesOf("change_email"),
    }),
  );
}

export type Recipient = { email: string; firstName: string };

function tokenLink(origin: string, path: string, token: string): string {
  return `${origin}${path}?${new URLSearchParams({ token })}`;
}

function minutesOf(purpose: keyof typeof config.tokens.lifetimeMs): number {
  return config.tokens.lifetimeMs[purpose] / 60_000;
}

/** Checks the configuration now; builds and sends the message after the response. */
export function schedule(
  context: AppLoadContext,
  kind: string,
  to: string,
  build: (origin: string) => EmailContent,
): void {
  const { env, ctx } = context.cloudflare;
  mailConfig(env);
  ctx.waitUntil(sendNow(env, to, build).catch((error: unknown) => logEmailFailure(kind, error)));
}

/**
 * Builds and sends the message now (work with no response to wait for: the scheduled run). Resolves
 * once the binding has taken it; rejects when it did not or the configuration is missing, logging
 * nothing: the caller decides (logEmailFailure).
 */
export async function sendNow(env: Env, to: string, build: (origin: string) => EmailContent): Promise<void> {
  const { from, origin } = mailConfig(env);
  await env.EMAIL.send({ from: { email: from, name: PRODUCT_NAME }, to, ...build(origin) });
}

/** The binding's messages can quote the address: only the error's name goes to the log. */
export function logEmailFailure(kind: string, error: unknown): void {
  log("error", "email_failed", { kind, error: error instanceof Error ? error.name : typeof error });
}
