import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/cloudflare";
import { data } from "@remix-run/cloudflare";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { AuthenticityTokenInput } from "remix-utils/csrf/react";
import { redirectWithFlash } from "~/auth/auth.server";
import { findResetAccount, resetPassword } from "~/auth/password-reset.server";
import { FormError, NewPasswordFields } from "~/components/fields";
import { useFormValidation } from "~/components/use-form-validation";
import { usePendingSubmit } from "~/components/use-pending-submit";
import { submitForm } from "~/http/form-action.server";
import { tokenPageHeaders } from "~/http/security-headers.server";
import { messages, pageMeta } from "~/messages";
import { type FieldErrors, ResetPasswordSchema } from "~/validation";

export const meta = pageMeta("Set a new password");

export const headers = tokenPageHeaders;

const invalidLink = () => data({ linkInvalid: true, errors: {} as FieldErrors, values: {} }, { status: 400 });

export async function loader({ request, context }: LoaderFunctionArgs) {
  const token = new URL(request.url).searchParams.get("token");
  if (!token || !(await findResetAccount(context, token))) {
    return data({ token: "", linkInvalid: true }, { status: 400 });
  }
  return data({ token, linkInvalid: false });
}

export async function action({ request, context }: ActionFunctionArgs) {
  const submission = await submitForm(request, context, { schema: ResetPasswordSchema, ipLimit: "refuse" });
  if (!submission.ok) return submission.reply;
  const { token = "", password } = submission.data;
  // The link names the account, so the password rules run once it is found. (A dead link with
  // invalid fields shows the same page either way: the loader, which runs again, finds it dead.)
  const account = await findResetAccount(context, token);
  if (!account) return invalidLink();
  const weak = await submission.checkNewPassword({ password, email: account.email });
  if (weak) return weak;
  if (!(await resetPassword(request, context, account, token, password))) return invalidLink();
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
