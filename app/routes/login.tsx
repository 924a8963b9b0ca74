import type { ActionFunctionArgs } from "@remix-run/cloudflare";
import { Link, useActionData, useSearchParams } from "@remix-run/react";
import { anonymousPage, logIn, submitSignedOutForm } from "~/auth/auth.server";
import { Card } from "~/components/card";
import { CurrentPasswordField, EmailField, FormError } from "~/components/fields";
import { PasskeySignIn } from "~/components/passkey-sign-in";
import { PostForm, usePostForm } from "~/components/post-form";
import { keepRetryAfter } from "~/http/rate-limit.server";
import { messages, pageMeta } from "~/messages";
import { LoginSchema } from "~/validation";

export const meta = pageMeta("Log in");

export const headers = keepRetryAfter;

export const loader = anonymousPage;

export async function action({ request, context }: ActionFunctionArgs) {
  // The form posts to /login/ without the query string, so `next` comes back for the retry.
  const submission = await submitSignedOutForm(request, context, { schema: LoginSchema, keep: ["email", "next"] });
  if (!submission.ok) return submission.reply;
  const login = await logIn(request, context, submission.data);
  if (login.ok) throw login.response;
  if (login.reason === "locked") return submission.tooManyAttempts(login.retryAfterMinutes);
  return submission.reject({ form: messages.invalidCredentials });
}

export default function Login() {
  const result = useActionData<typeof action>();
  const form = usePostForm("/login/", "LoginSchema", result?.errors);
  const next = useSearchParams()[0].get("next") || result?.values.next;
  return (
    <Card id="login" title="Log in" footer={{ to: "/register/", label: "Need an account? Register" }}>
      <FormError error={form.errors.form} />
      <PostForm form={form} submit="Log in" pending="Logging in…">
        {next ? <input type="hidden" name="next" value={next} /> : null}
        {/* "webauthn": browsers offer the account's passkeys as the field is focused (conditional UI). */}
        <EmailField autoComplete="username webauthn" defaultValue={result?.values.email} error={form.errors.email} />
        <CurrentPasswordField error={form.errors.password} />
        <div className="checkbox">
          <input id="remember_me" name="remember_me" type="checkbox" value="y" />
          <label htmlFor="remember_me">Remember me</label>
        </div>
      </PostForm>
      <PasskeySignIn formRef={form.formRef} />
      <p className="form-aside">
        <Link to="/forgot-password/">Forgot your password?</Link>
      </p>
    </Card>
  );
}
