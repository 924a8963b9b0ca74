import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/cloudflare";
import { data } from "@remix-run/cloudflare";
import { useActionData, useLoaderData } from "@remix-run/react";
import { redirectWithFlash } from "~/auth/auth.server";
import { findResetAccount, resetPassword } from "~/auth/password-reset.server";
import { Card } from "~/components/card";
import { FormError, NewPasswordFields } from "~/components/fields";
import { PostForm, usePostForm } from "~/components/post-form";
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
  // The token stays in the action's URL too: after an error the page is rendered again, loader and all.
  const form = usePostForm(`/reset-password/?${new URLSearchParams({ token })}`, "ResetPasswordSchema", result?.errors);
  if (linkInvalid || (result && "linkInvalid" in result && result.linkInvalid)) {
    return (
      <Card id="reset" title="Set a new password" footer={{ to: "/forgot-password/", label: "Ask for a new link" }}>
        <FormError error={messages.resetLinkInvalid} />
      </Card>
    );
  }
  return (
    <Card id="reset" title="Set a new password">
      <FormError error={form.errors.form} />
      <PostForm form={form} submit="Set new password" pending="Saving…">
        <input type="hidden" name="token" value={token} />
        <NewPasswordFields label="New password" errors={form.errors} />
      </PostForm>
    </Card>
  );
}
