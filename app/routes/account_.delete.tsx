import type { ActionFunctionArgs } from "@remix-run/cloudflare";
import { redirect } from "@remix-run/cloudflare";
import { useActionData } from "@remix-run/react";
import { deleteAccount } from "~/account/account.server";
import { requireUser, signedInPage } from "~/auth/auth.server";
import { newAnonymousCookie } from "~/auth/session-cookie.server";
import { Card } from "~/components/card";
import { CurrentPasswordField, FormError } from "~/components/fields";
import { PostForm, usePostForm } from "~/components/post-form";
import { submitForm } from "~/http/form-action.server";
import { keepRetryAfter } from "~/http/rate-limit.server";
import { pageMeta, serverMessages } from "~/messages";
import { DeleteAccountSchema } from "~/validation";

export const meta = pageMeta("Delete account");

export const headers = keepRetryAfter;

export const loader = signedInPage;

export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requireUser(request, context);
  const submission = await submitForm(request, context, { schema: DeleteAccountSchema, ipLimit: "refuse" });
  if (!submission.ok) return submission.reply;
  const deletion = await deleteAccount(request, context, user, submission.data.password);
  if (!deletion.ok) {
    if (deletion.reason === "locked") return submission.tooManyAttempts(deletion.retryAfterMinutes);
    return submission.reject({ password: serverMessages.passwordWrong });
  }
  const cookie = await newAnonymousCookie(request, context, { kind: "success", text: serverMessages.accountDeleted });
  throw redirect("/", { status: 303, headers: { "Set-Cookie": cookie } });
}

export default function DeleteAccount() {
  const result = useActionData<typeof action>();
  const form = usePostForm("/account/delete/", "DeleteAccountSchema", result?.errors);
  return (
    <Card id="delete" title="Delete account" footer={{ to: "/account/", label: "Keep my account" }}>
      <div className="warning">
        <p>This deletes your account and everything it holds, and signs you out on every device. It can't be undone.</p>
      </div>
      <FormError error={form.errors.form} />
      <PostForm form={form} submit="Delete my account" pending="Deleting…" buttonClass="button danger block">
        <CurrentPasswordField error={form.errors.password} />
      </PostForm>
    </Card>
  );
}
