import type { ActionFunctionArgs } from "@remix-run/cloudflare";
import { useActionData } from "@remix-run/react";
import { anonymousPage, redirectWithFlash, registerUser, submitSignedOutForm } from "~/auth/auth.server";
import { Card } from "~/components/card";
import { EmailField, NameFields, NewPasswordFields } from "~/components/fields";
import { PostForm, usePostForm } from "~/components/post-form";
import { keepRetryAfter } from "~/http/rate-limit.server";
import { messages, pageMeta } from "~/messages";
import { HONEYPOT_FIELD, RegisterSchema } from "~/validation";

export const meta = pageMeta("Register");

export const headers = keepRetryAfter;

export const loader = anonymousPage;

export async function action({ request, context }: ActionFunctionArgs) {
  const submission = await submitSignedOutForm(request, context, {
    schema: RegisterSchema,
    keep: ["email", "first_name", "last_name"],
    newPassword: (form) => ({ password: form.password, email: form.email }),
  });
  if (!submission.ok) return submission.reply;
  if ((await registerUser(request, context, submission.data)) === null) {
    return submission.reject({ email: messages.emailTaken });
  }
  throw await redirectWithFlash(request, context, "/login/", { kind: "success", text: messages.registered });
}

export default function Register() {
  const result = useActionData<typeof action>();
  const form = usePostForm("/register/", "RegisterSchema", result?.errors);
  return (
    <Card
      id="register"
      title="Create your account"
      footer={{ to: "/login/", label: "Have an account already? Log in" }}
    >
      <PostForm form={form} submit="Register" pending="Registering…">
        <EmailField defaultValue={result?.values.email} error={form.errors.email} />
        <NameFields values={result?.values ?? {}} errors={form.errors} />
        <NewPasswordFields label="Password" errors={form.errors} />
        {/* The honeypot: invisible, unreachable by keyboard, ignored by assistive technology and autofill. */}
        <div className="honeypot" aria-hidden="true">
          <label>
            Leave this field empty
            <input type="text" name={HONEYPOT_FIELD} tabIndex={-1} autoComplete="off" defaultValue="" />
          </label>
        </div>
      </PostForm>
    </Card>
  );
}
