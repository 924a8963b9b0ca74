import type { ActionFunctionArgs } from "@remix-run/cloudflare";
import { redirect } from "@remix-run/cloudflare";
import { useActionData } from "@remix-run/react";
import { changePassword } from "~/account/account.server";
import { requireUser, signedInPage, toLogin } from "~/auth/auth.server";
import { updatedCookie } from "~/auth/session-cookie.server";
import { backToAccount, Card } from "~/components/card";
import { CurrentPasswordField, FormError, NewPasswordFields } from "~/components/fields";
import { PostForm, usePostForm } from "~/components/post-form";
import { submitForm } from "~/http/form-action.server";
import { keepRetryAfter } from "~/http/rate-limit.server";
import { pageMeta, serverMessages } from "~/messages";
import { ChangePasswordSchema } from "~/validation";

export const meta = pageMeta("Change password");

export const headers = keepRetryAfter;

export const loader = signedInPage;

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
    // Another change (a reset) came first and signed this session out: log in again, as requireUser says.
    if (change.reason === "superseded") throw await toLogin(request, context);
    return submission.reject({ current_password: serverMessages.currentPasswordWrong });
  }
  const flash = { kind: "success", text: serverMessages.passwordChanged } as const;
  const cookie = await updatedCookie(request, context, { flash, token: change.token });
  throw redirect("/account/", { status: 303, headers: { "Set-Cookie": cookie } });
}

export default function ChangePassword() {
  const result = useActionData<typeof action>();
  const form = usePostForm("/account/password/", "ChangePasswordSchema", result?.errors);
  return (
    <Card id="password" title="Change password" footer={backToAccount}>
      <FormError error={form.errors.form} />
      <PostForm form={form} submit="Change password" pending="Changing password…">
        <CurrentPasswordField label="Current password" name="current_password" error={form.errors.current_password} />
        <NewPasswordFields label="New password" errors={form.errors} />
        <p className="muted">Every other device signed in to your account will be signed out.</p>
      </PostForm>
    </Card>
  );
}
