import type { ActionFunctionArgs } from "@remix-run/cloudflare";
import { data } from "@remix-run/cloudflare";
import { Form, Link, useActionData } from "@remix-run/react";
import { AuthenticityTokenInput } from "remix-utils/csrf/react";
import { requestPasswordReset } from "~/auth/password-reset.server";
import { Field } from "~/components/fields";
import { useFormValidation } from "~/components/use-form-validation";
import { usePendingSubmit } from "~/components/use-pending-submit";
import { config } from "~/config";
import { submitForm } from "~/http/form-action.server";
import { tokenPageHeaders } from "~/http/security-headers.server";
import { messages, pageMeta } from "~/messages";
import { type FieldErrors, ForgotPasswordSchema } from "~/validation";

export const meta = pageMeta("Forgot your password?");

export const headers = tokenPageHeaders;

// Signed-in visitors may use it too (docs/product.md): no guard, and no loader of its own.

export async function action({ request, context }: ActionFunctionArgs) {
  // Over the per-IP limit, as over the per-address cap, the answer is the same and nothing is sent.
  const submission = await submitForm(request, context, {
    schema: ForgotPasswordSchema,
    keep: ["email"],
    ipLimit: "count",
  });
  if (!submission.ok) return submission.reply;
  if (submission.withinIpLimit) await requestPasswordReset(request, context, submission.data.email);
  const errors: FieldErrors = {};
  return data({ errors, values: submission.values, sent: true });
}

export default function ForgotPassword() {
  const result = useActionData<typeof action>();
  const { formRef, onSubmit, errors } = useFormValidation(ForgotPasswordSchema, result?.errors);
  const submitting = usePendingSubmit("/forgot-password/");
  return (
    <section className="card" aria-labelledby="forgot-title">
      <h1 id="forgot-title">Forgot your password?</h1>
      {result && "sent" in result ? (
        <p className="notice" role="status">
          {messages.resetLinkSent}
        </p>
      ) : (
        <p>Enter the email address of your account and we will send you a link to set a new password.</p>
      )}
      <Form method="post" action="/forgot-password/" noValidate ref={formRef} onSubmit={onSubmit}>
        <AuthenticityTokenInput />
        <Field
          label="Email"
          name="email"
          type="email"
          autoComplete="email"
          required
          maxLength={config.limits.emailMax}
          defaultValue={result?.values.email}
          error={errors.email}
        />
        <button type="submit" className="button block" disabled={submitting}>
          {submitting ? "Sending…" : "Send reset link"}
        </button>
      </Form>
      <p className="card-footer">
        <Link to="/login/">Back to log in</Link>
      </p>
    </section>
  );
}
