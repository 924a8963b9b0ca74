import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/cloudflare";
import { redirect } from "@remix-run/cloudflare";
import { Form, Link, useActionData } from "@remix-run/react";
import { AuthenticityTokenInput } from "remix-utils/csrf/react";
import { deleteAccount } from "~/account/account.server";
import { requireUser } from "~/auth/auth.server";
import { newAnonymousCookie } from "~/auth/session-cookie.server";
import { FormError, PasswordField } from "~/components/fields";
import { useFormValidation } from "~/components/use-form-validation";
import { usePendingSubmit } from "~/components/use-pending-submit";
import { submitForm } from "~/http/form-action.server";
import { keepRetryAfter } from "~/http/rate-limit.server";
import { pageMeta, serverMessages } from "~/messages";
import { DeleteAccountSchema } from "~/validation";

export const meta = pageMeta("Delete account");

export const headers = keepRetryAfter;

export async function loader({ request, context }: LoaderFunctionArgs) {
  await requireUser(request, context);
  return null;
}

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
  const { formRef, onSubmit, errors } = useFormValidation(DeleteAccountSchema, result?.errors);
  const submitting = usePendingSubmit("/account/delete/");
  return (
    <section className="card" aria-labelledby="delete-title">
      <h1 id="delete-title">Delete account</h1>
      <div className="warning">
        <p>This deletes your account and everything it holds, and signs you out on every device. It can't be undone.</p>
      </div>
      <FormError error={errors.form} />
      <Form method="post" action="/account/delete/" noValidate ref={formRef} onSubmit={onSubmit}>
        <AuthenticityTokenInput />
        <PasswordField
          label="Password"
          name="password"
          autoComplete="current-password"
          required
          error={errors.password}
        />
        <button type="submit" className="button danger block" disabled={submitting}>
          {submitting ? "Deleting…" : "Delete my account"}
        </button>
      </Form>
      <p className="card-footer">
        <Link to="/account/">Keep my account</Link>
      </p>
    </section>
  );
}
