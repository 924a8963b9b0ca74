import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/cloudflare";
import { redirect } from "@remix-run/cloudflare";
import { useActionData, useLoaderData } from "@remix-run/react";
import { requireUser } from "~/auth/auth.server";
import { afterConfirmation, confirmIdentity } from "~/auth/confirm.server";
import { hasPasskeys } from "~/auth/passkeys/passkeys.server";
import { backToAccount, Card } from "~/components/card";
import { CodeField, CurrentPasswordField, FormError } from "~/components/fields";
import { PasskeyConfirm } from "~/components/passkey-confirm";
import { PostForm, usePostForm } from "~/components/post-form";
import { getDb } from "~/database/db.server";
import { submitForm } from "~/http/form-action.server";
import { keepRetryAfter } from "~/http/rate-limit.server";
import { messages, pageMeta, serverMessages } from "~/messages";
import { ConfirmSchema } from "~/validation";

export const meta = pageMeta("Confirm it's you");

export const headers = keepRetryAfter;

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requireUser(request, context);
  return {
    twoFactorOn: user.twoFactorOn,
    passkeys: await hasPasskeys(getDb(context), user.id),
    next: afterConfirmation(new URL(request.url).searchParams.get("next")),
  };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requireUser(request, context);
  // A password and a one-time code: nothing typed comes back.
  const submission = await submitForm(request, context, { schema: ConfirmSchema, ipLimit: "refuse" });
  if (!submission.ok) return submission.reply;
  if (user.twoFactorOn && !submission.data.code?.trim()) return submission.reject({ code: messages.codeRequired });
  const confirmation = await confirmIdentity(request, context, user, submission.data);
  if (!confirmation.ok) {
    if (confirmation.reason === "locked") return submission.tooManyAttempts(confirmation.retryAfterMinutes);
    const wrongPassword = confirmation.field === "password";
    return submission.reject({
      [confirmation.field]: wrongPassword ? serverMessages.passwordWrong : serverMessages.codeWrong,
    });
  }
  throw redirect(afterConfirmation(submission.data.next), 303);
}

export default function ConfirmItsYou() {
  const { twoFactorOn, passkeys, next } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const form = usePostForm("/account/confirm/", "ConfirmSchema", result?.errors);
  return (
    <Card id="confirm" title="Confirm it's you" footer={backToAccount}>
      <p className="muted">
        {twoFactorOn
          ? "Before you change how your account signs in, type your password and a code from your authenticator app."
          : "Before you change how your account signs in, type your password."}
      </p>
      <FormError error={form.errors.form} />
      <PostForm form={form} submit="Confirm" pending="Confirming…">
        <input type="hidden" name="next" value={next} />
        <CurrentPasswordField error={form.errors.password} />
        {twoFactorOn ? <CodeField error={form.errors.code} /> : null}
      </PostForm>
      {passkeys ? <PasskeyConfirm next={next} /> : null}
    </Card>
  );
}
