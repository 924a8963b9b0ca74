// /account/email/: changing the account's address. Nothing changes here: the new address gets a
// link, and the address changes when it is opened (/verify-email/).
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/cloudflare";
import { data } from "@remix-run/cloudflare";
import { useActionData, useLoaderData } from "@remix-run/react";
import { requestAddressChange } from "~/account/email-address.server";
import { redirectWithFlash } from "~/auth/auth.server";
import { requireConfirmedUser } from "~/auth/confirm.server";
import { backToAccount, Card } from "~/components/card";
import { EmailField, FormError } from "~/components/fields";
import { PostForm, usePostForm } from "~/components/post-form";
import { submitForm } from "~/http/form-action.server";
import { keepRetryAfter } from "~/http/rate-limit.server";
import { messages, pageMeta, serverMessages } from "~/messages";
import { ChangeEmailSchema } from "~/validation";

export const meta = pageMeta("Change email address");

export const headers = keepRetryAfter;

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requireConfirmedUser(request, context);
  return { email: user.email };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requireConfirmedUser(request, context);
  const submission = await submitForm(request, context, {
    schema: ChangeEmailSchema,
    keep: ["email"],
    ipLimit: "refuse",
  });
  if (!submission.ok) return submission.reply;
  const { email } = submission.data;
  const change = await requestAddressChange(request, context, user, email);
  if (change === "same") return submission.reject({ email: serverMessages.emailUnchanged });
  if (change === "taken") return submission.reject({ email: messages.emailTaken });
  if (change === "capped") {
    const errors = { form: serverMessages.tooManyLinks };
    return data({ errors, values: submission.values }, { status: 429, headers: { "Retry-After": "3600" } });
  }
  throw await redirectWithFlash(request, context, "/account/", {
    kind: "success",
    text: serverMessages.changeLinkSent(email),
  });
}

export default function ChangeEmail() {
  const { email } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const form = usePostForm("/account/email/", "ChangeEmailSchema", result?.errors);
  return (
    <Card id="email" title="Change email address" footer={backToAccount}>
      <FormError error={form.errors.form} />
      <ul className="facts">
        <li>
          <span className="fact-label">Current address:</span> {email}
        </li>
      </ul>
      <p>We will send a link to the new address. Your address changes when you open it.</p>
      <PostForm form={form} submit="Send confirmation link" pending="Sending…">
        <EmailField label="New email" defaultValue={result?.values.email} error={form.errors.email} />
      </PostForm>
    </Card>
  );
}
