// /account/two-factor/ (docs/product.md "Two-step verification"), behind "Confirm it's you". Off: the
// set-up (QR code, otpauth link, the secret as text) and "Turn on" with a code; the answer shows the
// ten recovery codes once. On: how many recovery codes are left, "Get new recovery codes" and "Turn off".
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/cloudflare";
import { data, redirect } from "@remix-run/cloudflare";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { AuthenticityTokenInput } from "remix-utils/csrf/react";
import * as z from "zod/v4-mini";
import { requireConfirmedUser } from "~/auth/confirm.server";
import { rotatedCookie } from "~/auth/session-cookie.server";
import { CodeField, FormError } from "~/components/fields";
import { RecoveryCodes } from "~/components/recovery-codes";
import { usePendingSubmit } from "~/components/use-pending-submit";
import { submitForm } from "~/http/form-action.server";
import { keepRetryAfter } from "~/http/rate-limit.server";
import type { Flash } from "~/messages";
import { messages, pageMeta, serverMessages } from "~/messages";
import { turnOff, turnOn, twoFactorSettings } from "~/two-factor/settings.server";

export const meta = pageMeta("Two-step verification");

export const headers = keepRetryAfter;

const PAGE = "/account/two-factor/";

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requireConfirmedUser(request, context);
  return twoFactorSettings(context, user);
}

const TwoFactorForm = z.object({ intent: z.enum(["enable", "disable"]), code: z.optional(z.string()) });

export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requireConfirmedUser(request, context);
  // A one-time code: nothing typed comes back.
  const submission = await submitForm(request, context, { schema: TwoFactorForm, ipLimit: "refuse" });
  if (!submission.ok) return submission.reply;
  if (submission.data.intent === "disable") {
    const token = await turnOff(request, context, user);
    const flash: Flash = { kind: "success", text: serverMessages.twoFactorOff };
    // Already off (another tab turned it off): nothing changed, this session keeps its token.
    const cookie = token ? await rotatedCookie(request, context, token, flash) : null;
    if (!cookie) throw redirect("/account/", 303);
    throw redirect("/account/", { status: 303, headers: { "Set-Cookie": cookie } });
  }
  const code = submission.data.code ?? "";
  if (!code.trim()) return submission.reject({ code: messages.codeRequired });
  const result = await turnOn(request, context, user, code);
  if (result.ok) {
    const cookie = await rotatedCookie(request, context, result.token);
    return data({ errors: {}, values: {}, codes: result.codes }, { headers: { "Set-Cookie": cookie } });
  }
  if (result.reason === "already_on") throw redirect(PAGE, 303);
  if (result.reason === "locked") return submission.tooManyAttempts(result.retryAfterMinutes);
  return submission.reject({ code: serverMessages.codeWrong });
}

export default function TwoFactor() {
  const settings = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const submitting = usePendingSubmit(PAGE);
  const renewing = usePendingSubmit("/account/recovery-codes/");
  if (result && "codes" in result) return <RecoveryCodes codes={result.codes} />;
  const errors = result?.errors ?? {};
  return (
    <section className="card wide" aria-labelledby="two-factor-title">
      <h1 id="two-factor-title">Two-step verification</h1>
      {settings.on ? (
        <>
          <p>
            <strong>Two-step verification is on.</strong> Signing in asks for a code from your authenticator app after
            your password.
          </p>
          <section className="account-section" aria-labelledby="codes-left-title">
            <h2 id="codes-left-title">Recovery codes</h2>
            <p>Recovery codes left: {settings.codesLeft}</p>
            <Form method="post" action="/account/recovery-codes/">
              <AuthenticityTokenInput />
              <button type="submit" className="button secondary" disabled={renewing}>
                Get new recovery codes
              </button>
            </Form>
          </section>
          <section className="account-section" aria-labelledby="turn-off-title">
            <h2 id="turn-off-title">Turn off</h2>
            <p className="muted">Your password alone will sign in to your account again.</p>
            <Form method="post" action={PAGE}>
              <AuthenticityTokenInput />
              <input type="hidden" name="intent" value="disable" />
              <button type="submit" className="button danger" disabled={submitting}>
                Turn off
              </button>
            </Form>
          </section>
        </>
      ) : (
        <>
          <p>
            <strong>Two-step verification is off.</strong> Turn it on and signing in will also ask for a code from an
            authenticator app on your phone, so a stolen password alone is not enough.
          </p>
          <FormError error={errors.form} />
          <ol className="set-up-steps">
            <li>
              <p>Scan this QR code with your authenticator app:</p>
              <svg
                className="qr-code"
                role="img"
                aria-labelledby="qr-title"
                viewBox={`0 0 ${settings.qr.size} ${settings.qr.size}`}
                shapeRendering="crispEdges"
              >
                <title id="qr-title">QR code to add your account to an authenticator app</title>
                <rect width="100%" height="100%" fill="#fff" />
                <path d={settings.qr.path} fill="#000" />
              </svg>
              <p>
                On this phone? <a href={settings.uri}>Open in your authenticator app</a>
              </p>
              <p>
                Or type this key into the app: <code className="secret">{settings.secret}</code>
              </p>
            </li>
            <li>
              <p>Type the 6-digit code the app shows:</p>
              <Form method="post" action={PAGE} noValidate>
                <AuthenticityTokenInput />
                <input type="hidden" name="intent" value="enable" />
                <CodeField error={errors.code} />
                <button type="submit" className="button" disabled={submitting}>
                  Turn on
                </button>
              </Form>
            </li>
          </ol>
        </>
      )}
      <p className="card-footer">
        <Link to="/account/">Back to your account</Link>
      </p>
    </section>
  );
}
