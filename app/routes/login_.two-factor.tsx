// /login/two-factor/ (docs/product.md "Signing in with two-step verification"): the second step of a
// password login for an account with two-step verification on. Only with this browser's live pending
// sign-in; without one (none, expired, used), 303 to /login/.
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/cloudflare";
import { useActionData } from "@remix-run/react";
import * as z from "zod/v4-mini";
import { requireAnonymous, submitSignedOutForm } from "~/auth/auth.server";
import { Card } from "~/components/card";
import { CodeField, Field, FormError } from "~/components/fields";
import { PostForm, usePostForm } from "~/components/post-form";
import { keepRetryAfter } from "~/http/rate-limit.server";
import { messages, pageMeta, serverMessages } from "~/messages";
import { finishSecondStep, hasPendingSignIn, toLoginPage } from "~/two-factor/sign-in.server";

export const meta = pageMeta("Two-step verification");

export const headers = keepRetryAfter;

const PAGE = "/login/two-factor/";
// Two forms post here: the code's ("Verify") and the recovery code's ("Use recovery code"). Checked on
// the server only: the browser's own checks would add to the JS every page shares (zod, messages).
const SecondStepForm = z.object({ code: z.optional(z.string()), recovery_code: z.optional(z.string()) });

export async function loader({ request, context }: LoaderFunctionArgs) {
  await requireAnonymous(request, context);
  if (!(await hasPendingSignIn(request, context))) throw await toLoginPage(request, context);
  return null;
}

export async function action({ request, context }: ActionFunctionArgs) {
  // One-time codes: nothing typed comes back.
  const submission = await submitSignedOutForm(request, context, { schema: SecondStepForm });
  if (!submission.ok) return submission.reply;
  const { code, recovery_code } = submission.data;
  const field = code === undefined && recovery_code !== undefined ? "recovery_code" : "code";
  if (!(field === "code" ? code : recovery_code)?.trim()) {
    return submission.reject({
      [field]: field === "code" ? messages.codeRequired : serverMessages.recoveryCodeRequired,
    });
  }
  const result = await finishSecondStep(request, context, field === "code" ? { code } : { recovery_code });
  if (result.ok) throw result.response;
  if (result.reason === "expired") throw await toLoginPage(request, context);
  if (result.reason === "locked") return submission.tooManyAttempts(result.retryAfterMinutes);
  return submission.reject({ [field]: serverMessages.codeWrong });
}

export default function SecondStep() {
  const result = useActionData<typeof action>();
  const codeForm = usePostForm(PAGE, "EmptyFormSchema", result?.errors);
  const recoveryForm = usePostForm(PAGE, "EmptyFormSchema", result?.errors);
  return (
    <Card id="second-step" title="Two-step verification" footer={{ to: "/login/", label: "Back to log in" }}>
      <p>Enter the code from your authenticator app.</p>
      <FormError error={result?.errors.form} />
      <PostForm form={codeForm} submit="Verify" pending="Verifying…">
        <CodeField error={codeForm.errors.code} />
      </PostForm>
      <section className="account-section" aria-labelledby="recovery-title">
        <h2 id="recovery-title">Lost your phone?</h2>
        <p className="muted">Type one of the recovery codes you saved when you turned two-step verification on.</p>
        <PostForm
          form={recoveryForm}
          submit="Use recovery code"
          pending="Checking…"
          buttonClass="button secondary block"
        >
          <Field
            label="Recovery code"
            name="recovery_code"
            autoComplete="off"
            autoCapitalize="none"
            spellCheck={false}
            required
            error={recoveryForm.errors.recovery_code}
          />
        </PostForm>
      </section>
    </Card>
  );
}
