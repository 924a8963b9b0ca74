import type { ActionFunctionArgs } from "@remix-run/cloudflare";
import { data } from "@remix-run/cloudflare";
import { useActionData } from "@remix-run/react";
import { requestPasswordReset } from "~/auth/password-reset.server";
import { Card } from "~/components/card";
import { EmailField } from "~/components/fields";
import { PostForm, usePostForm } from "~/components/post-form";
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
  const form = usePostForm("/forgot-password/", "ForgotPasswordSchema", result?.errors);
  return (
    <Card id="forgot" title="Forgot your password?" footer={{ to: "/login/", label: "Back to log in" }}>
      {result && "sent" in result ? (
        <p className="notice" role="status">
          {messages.resetLinkSent}
        </p>
      ) : (
        <p>Enter the email address of your account and we will send you a link to set a new password.</p>
      )}
      <PostForm form={form} submit="Send reset link" pending="Sending…">
        <EmailField defaultValue={result?.values.email} error={form.errors.email} />
      </PostForm>
    </Card>
  );
}
