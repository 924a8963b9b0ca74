// /account/two-factor/ (docs/product.md "Two-step verification"), behind "Confirm it's you". Off: the
// set-up (QR code, otpauth link, the secret as text) and "Turn on" with a code; the answer shows the
// ten recovery codes once. On: how many recovery codes are left, "Get new recovery codes" and "Turn off".
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/cloudflare";
import { data, redirect } from "@remix-run/cloudflare";
import { useActionData, useLoaderData } from "@remix-run/react";
import * as z from "zod/v4-mini";
import { requireConfirmedUser } from "~/auth/confirm.server";
import { updatedCookie } from "~/auth/session-cookie.server";
import { backToAccount, Card } from "~/components/card";
import { CodeField, FormError } from "~/components/fields";
import { PostForm, usePostForm } from "~/components/post-form";
import { RecoveryCodes } from "~/components/recovery-codes";
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

// Turning on needs a code; turning off is the button alone. Checked on the server only: the
// browser's own checks would add to the JS every page shares (its zod parts and messages).
const TwoFactorForm = z.discriminatedUnion("intent", [
  z.object({
    intent: z.literal("enable"),
    code: z.string({ error: messages.codeRequired }).check(z.trim(), z.minLength(1, messages.codeRequired)),
  }),
  z.object({ intent: z.literal("disable") }),
]);

export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requireConfirmedUser(request, context);
  // A one-time code: nothing typed comes back.
  const submission = await submitForm(request, context, { schema: TwoFactorForm, ipLimit: "refuse" });
  if (!submission.ok) return submission.reply;
  if (submission.data.intent === "disable") {
    const token = await turnOff(request, context, user);
    const flash: Flash = { kind: "success", text: serverMessages.twoFactorOff };
    // Already off (another tab turned it off): nothing changed, this session keeps its token.
    const cookie = token ? await updatedCookie(request, context, { token, flash }) : null;
    if (!cookie) throw redirect("/account/", 303);
    throw redirect("/account/", { status: 303, headers: { "Set-Cookie": cookie } });
  }
  const result = await turnOn(request, context, user, submission.data.code);
  if (result.ok) {
    const cookie = await updatedCookie(request, context, { token: result.token });
    return data({ errors: {}, values: {}, codes: result.codes }, { headers: { "Set-Cookie": cookie } });
  }
  if (result.reason === "already_on") throw redirect(PAGE, 303);
  if (result.reason === "locked") return submission.tooManyAttempts(result.retryAfterMinutes);
  return submission.reject({ code: serverMessages.codeWrong });
}

export default function TwoFactor() {
  const settings = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const enable = usePostForm(PAGE, "EmptyFormSchema", result?.errors);
  const disable = usePostForm(PAGE, "EmptyFormSchema");
  const renew = usePostForm("/account/recovery-codes/", "EmptyFormSchema");
  if (result && "codes" in result) return <RecoveryCodes codes={result.codes} />;
  return (
    <Card id="two-factor" title="Two-step verification" width="wide" footer={backToAccount}>
      {settings.on ? (
        <>
          <p>
            <strong>Two-step verification is on.</strong> Signing in asks for a code from your authenticator app after
            your password.
          </p>
          <section className="account-section" aria-labelledby="codes-left-title">
            <h2 id="codes-left-title">Recovery codes</h2>
            <p>Recovery codes left: {settings.codesLeft}</p>
            <PostForm
              form={renew}
              submit="Get new recovery codes"
              pending="Making new codes…"
              buttonClass="button secondary"
            >
              {null}
            </PostForm>
          </section>
          <section className="account-section" aria-labelledby="turn-off-title">
            <h2 id="turn-off-title">Turn off</h2>
            <p className="muted">Your password alone will sign in to your account again.</p>
            <PostForm form={disable} submit="Turn off" pending="Turning off…" buttonClass="button danger">
              <input type="hidden" name="intent" value="disable" />
            </PostForm>
          </section>
        </>
      ) : (
        <>
          <p>
            <strong>Two-step verification is off.</strong> Turn it on and signing in will also ask for a code from an
            authenticator app on your phone, so a stolen password alone is not enough.
          </p>
          <FormError error={enable.errors.form} />
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
              <PostForm form={enable} submit="Turn on" pending="Turning on…" buttonClass="button">
                <input type="hidden" name="intent" value="enable" />
                <CodeField error={enable.errors.code} />
              </PostForm>
            </li>
          </ol>
        </>
      )}
    </Card>
  );
}
