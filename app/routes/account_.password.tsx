import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/cloudflare";
import { redirect } from "@remix-run/cloudflare";
import { Form, Link, useActionData } from "@remix-run/react";
import { AuthenticityTokenInput } from "remix-utils/csrf/react";
import { changePassword } from "~/account/account.server";
import { requireUser } from "~/auth/auth.server";
import { rotatedCookie } from "~/auth/session-cookie.server";
import { FormError, NewPasswordFields, PasswordField } from "~/components/fields";
import { useFormValidation } from "~/components/use-form-validation";
import { usePendingSubmit } from "~/components/use-pending-submit";
import { submitForm } from "~/http/form-action.server";
import { keepRetryAfter } from "~/http/rate-limit.server";
import { pageMeta, serverMessages } from "~/messages";
import { ChangePasswordSchema } from "~/validation";

export const meta = pageMeta("Change password");

export const headers = keepRetryAfter;

export async function loader({ request, context }: LoaderFunctionArgs) {
  await requireUser(request, context);
  return null;
}

export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requireUser(request, context);
  // Every field is a password: nothing typed comes back.
  const submission = await submitForm(request, context, {
    schema: ChangePasswordSchema,
    ipLimit: "refuse",
    newPassword: (form) => ({ password: form.password, email: user.email, current: form.current_password }),
  });
  if (!submission.ok) return submission.reply;
  const change = await changePassword(request, context, user, submission.data);
  if (!change.ok) {
    if (change.reason === "locked") return submission.tooManyAttempts(change.retryAfterMinutes);
    return submission.reject({ current_password: serverMessages.currentPasswordWrong });
  }
  const cookie = await rotatedCookie(request, context, change.token, {
    kind: "success",
    text: serverMessages.passwordChanged,
  });
  throw redirect("/account/", { status: 303, headers: { "Set-Cookie": cookie } });
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
