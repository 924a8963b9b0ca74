import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/cloudflare";
import { data } from "@remix-run/cloudflare";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { AuthenticityTokenInput } from "remix-utils/csrf/react";
import { redirectWithFlash } from "~/auth/auth.server";
import { findResetAccount, resetPassword } from "~/auth/password-reset.server";
import { FormError, NewPasswordFields } from "~/components/fields";
import { useFormValidation } from "~/components/use-form-validation";
import { usePendingSubmit } from "~/components/use-pending-submit";
import { readPostedForm } from "~/http/form.server";
import { tooManyRequests, withinIpRateLimit } from "~/http/rate-limit.server";
import { tokenPageHeaders } from "~/http/security-headers.server";
import { messages, pageMeta } from "~/messages";
import { passwordPolicyError } from "~/passwords/password-policy.server";
import { type FieldErrors, ResetPasswordSchema, validateForm } from "~/validation";

export const meta = pageMeta("Set a new password");

export const headers = tokenPageHeaders;

const invalidLink = () => data({ linkInvalid: true, errors: {} as FieldErrors }, { status: 400 });

export async function loader({ request, context }: LoaderFunctionArgs) {
  const token = new URL(request.url).searchParams.get("token");
  if (!token || !(await findResetAccount(context, token))) {
    return data({ token: "", linkInvalid: true }, { status: 400 });
  }
  return data({ token, linkInvalid: false });
}

export async function action({ request, context }: ActionFunctionArgs) {
  const form = await readPostedForm(request, context);
  if (!(await withinIpRateLimit(request, context.cloudflare.env))) return tooManyRequests({});
  const token = String(form.get("token") ?? "");
  const account = await findResetAccount(context, token);
  if (!account) return invalidLink();
  const result = validateForm(ResetPasswordSchema, form);
  if (!result.ok) return data({ linkInvalid: false, errors: result.errors }, { status: 400 });
  const policyError = passwordPolicyError(result.data.password, account.email);
  if (policyError) {
    const errors: FieldErrors = { password: policyError };
    return data({ linkInvalid: false, errors }, { status: 400 });
  }
  if (!(await resetPassword(request, context, account, token, result.data.password))) return invalidLink();
  throw await redirectWithFlash(request, context, "/login/", { kind: "success", text: messages.passwordWasReset });
}

export default function ResetPassword() {
  const { token, linkInvalid } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const { formRef, onSubmit, errors } = useFormValidation(ResetPasswordSchema, result?.errors);
  const submitting = usePendingSubmit("/reset-password/");
  if (linkInvalid || (result && "linkInvalid" in result && result.linkInvalid)) {
    return (
      <section className="card" aria-labelledby="reset-title">
        <h1 id="reset-title">Set a new password</h1>
        <FormError error={messages.resetLinkInvalid} />
        <p className="card-footer">
          <Link to="/forgot-password/">Ask for a new link</Link>
        </p>
      </section>
    );
  }
  return (
    <section className="card" aria-labelledby="reset-title">
      <h1 id="reset-title">Set a new password</h1>
      <FormError error={errors.form} />
      {/* The token stays in the action's URL too: after an error the page is rendered again, loader and all. */}
      <Form
        method="post"
        action={`/reset-password/?${new URLSearchParams({ token })}`}
        noValidate
        ref={formRef}
        onSubmit={onSubmit}
      >
        <AuthenticityTokenInput />
        <input type="hidden" name="token" value={token} />
        <NewPasswordFields label="New password" errors={errors} />
        <button type="submit" className="button block" disabled={submitting}>
          {submitting ? "Saving…" : "Set new password"}
        </button>
      </Form>
    </section>
  );
}
