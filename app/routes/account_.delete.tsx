import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/cloudflare";
import { data, redirect } from "@remix-run/cloudflare";
import { Form, Link, useActionData } from "@remix-run/react";
import { AuthenticityTokenInput } from "remix-utils/csrf/react";
import { deleteAccount, recheckFailed } from "~/account/account.server";
import { requireUser } from "~/auth/auth.server";
import { FormError, PasswordField } from "~/components/fields";
import { useFormValidation } from "~/components/use-form-validation";
import { usePendingSubmit } from "~/components/use-pending-submit";
import { readPostedForm } from "~/http/form.server";
import { keepRetryAfter, tooManyRequests, withinIpRateLimit } from "~/http/rate-limit.server";
import { pageMeta, serverMessages } from "~/messages";
import { DeleteAccountSchema, validateForm } from "~/validation";

export const meta = pageMeta("Delete account");

export const headers = keepRetryAfter;

export async function loader({ request, context }: LoaderFunctionArgs) {
  await requireUser(request, context);
  return null;
}

export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requireUser(request, context);
  const form = await readPostedForm(request, context);
  const values = {};
  if (!(await withinIpRateLimit(request, context.cloudflare.env))) return tooManyRequests(values);
  const result = validateForm(DeleteAccountSchema, form);
  if (!result.ok) return data({ errors: result.errors, values }, { status: 400 });
  const deletion = await deleteAccount(request, context, user, result.data.password);
  if (!deletion.ok) return recheckFailed(deletion, "password", serverMessages.passwordWrong);
  throw redirect("/", { status: 303, headers: { "Set-Cookie": deletion.cookie } });
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
