import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/cloudflare";
import { data, redirect } from "@remix-run/cloudflare";
import { Form, Link, useActionData } from "@remix-run/react";
import { AuthenticityTokenInput } from "remix-utils/csrf/react";
import { changePassword, recheckFailed } from "~/account/account.server";
import { requireUser } from "~/auth/auth.server";
import { FormError, NewPasswordFields, PasswordField } from "~/components/fields";
import { useFormValidation } from "~/components/use-form-validation";
import { usePendingSubmit } from "~/components/use-pending-submit";
import { readPostedForm } from "~/http/form.server";
import { keepRetryAfter, tooManyRequests, withinIpRateLimit } from "~/http/rate-limit.server";
import { pageMeta, serverMessages } from "~/messages";
import { passwordPolicyError } from "~/passwords/password-policy.server";
import { ChangePasswordSchema, type FieldErrors, validateForm } from "~/validation";

export const meta = pageMeta("Change password");

export const headers = keepRetryAfter;

export async function loader({ request, context }: LoaderFunctionArgs) {
  await requireUser(request, context);
  return null;
}

export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requireUser(request, context);
  const form = await readPostedForm(request, context);
  // Every field is a password: nothing typed comes back.
  const values = {};
  if (!(await withinIpRateLimit(request, context.cloudflare.env))) return tooManyRequests(values);
  const result = validateForm(ChangePasswordSchema, form);
  if (!result.ok) return data({ errors: result.errors, values }, { status: 400 });
  // Checked here rather than in the shared schema: the browser bundle stays as small as it was.
  const policyError =
    result.data.password === result.data.current_password
      ? serverMessages.newPasswordUnchanged
      : passwordPolicyError(result.data.password, user.email);
  if (policyError) {
    const errors: FieldErrors = { password: policyError };
    return data({ errors, values }, { status: 400 });
  }
  const change = await changePassword(request, context, user, result.data);
  if (!change.ok) return recheckFailed(change, "current_password", serverMessages.currentPasswordWrong);
  throw redirect("/account/", { status: 303, headers: { "Set-Cookie": change.cookie } });
}

export default function ChangePassword() {
  const result = useActionData<typeof action>();
  const { formRef, onSubmit, errors } = useFormValidation(ChangePasswordSchema, result?.errors);
  const submitting = usePendingSubmit("/account/password/");
  return (
    <section className="card" aria-labelledby="password-title">
      <h1 id="password-title">Change password</h1>
      <FormError error={errors.form} />
      <Form method="post" action="/account/password/" noValidate ref={formRef} onSubmit={onSubmit}>
        <AuthenticityTokenInput />
        <PasswordField
          label="Current password"
          name="current_password"
          autoComplete="current-password"
          required
          error={errors.current_password}
        />
        <NewPasswordFields label="New password" errors={errors} />
        <p className="muted">Every other device signed in to your account will be signed out.</p>
        <button type="submit" className="button block" disabled={submitting}>
          {submitting ? "Changing password…" : "Change password"}
        </button>
      </Form>
      <p className="card-footer">
        <Link to="/account/">Back to your account</Link>
      </p>
    </section>
  );
}
