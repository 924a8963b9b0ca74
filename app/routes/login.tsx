import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/cloudflare";
import { Form, Link, useActionData, useSearchParams } from "@remix-run/react";
import { AuthenticityTokenInput } from "remix-utils/csrf/react";
import { logIn, requireAnonymous } from "~/auth/auth.server";
import { Field, FormError, PasswordField } from "~/components/fields";
import { PasskeySignIn } from "~/components/passkey-sign-in";
import { useFormValidation } from "~/components/use-form-validation";
import { usePendingSubmit } from "~/components/use-pending-submit";
import { submitForm } from "~/http/form-action.server";
import { keepRetryAfter } from "~/http/rate-limit.server";
import { messages, pageMeta } from "~/messages";
import { LoginSchema } from "~/validation";

export const meta = pageMeta("Log in");

export const headers = keepRetryAfter;

export async function loader({ request, context }: LoaderFunctionArgs) {
  await requireAnonymous(request, context);
  return null;
}

export async function action({ request, context }: ActionFunctionArgs) {
  await requireAnonymous(request, context);
  // The form posts to /login/ without the query string, so `next` comes back for the retry.
  const submission = await submitForm(request, context, {
    schema: LoginSchema,
    keep: ["email", "next"],
    ipLimit: "refuse",
  });
  if (!submission.ok) return submission.reply;
  const login = await logIn(request, context, submission.data);
  if (login.ok) throw login.response;
  if (login.reason === "locked") return submission.tooManyAttempts(login.retryAfterMinutes);
  return submission.reject({ form: messages.invalidCredentials });
}

export default function Login() {
  const result = useActionData<typeof action>();
  const { formRef, onSubmit, errors } = useFormValidation(LoginSchema, result?.errors);
  const submitting = usePendingSubmit("/login/");
  const next = useSearchParams()[0].get("next") || result?.values.next;
  return (
    <section className="card" aria-labelledby="login-title">
      <h1 id="login-title">Log in</h1>
      <FormError error={errors.form} />
      <Form method="post" action="/login/" noValidate ref={formRef} onSubmit={onSubmit}>
        <AuthenticityTokenInput />
        {next ? <input type="hidden" name="next" value={next} /> : null}
        <Field
          label="Email"
          name="email"
          type="email"
          // "webauthn": browsers offer the account's passkeys as the field is focused (conditional UI).
          autoComplete="username webauthn"
          required
          defaultValue={result?.values.email}
          error={errors.email}
        />
        <PasswordField
          label="Password"
          name="password"
          autoComplete="current-password"
          required
          error={errors.password}
        />
        <div className="checkbox">
          <input id="remember_me" name="remember_me" type="checkbox" value="y" />
          <label htmlFor="remember_me">Remember me</label>
        </div>
        <button type="submit" className="button block" disabled={submitting}>
          {submitting ? "Logging in…" : "Log in"}
        </button>
      </Form>
      <PasskeySignIn formRef={formRef} />
      <p className="form-aside">
        <Link to="/forgot-password/">Forgot your password?</Link>
      </p>
      <p className="card-footer">
        <Link to="/register/">Need an account? Register</Link>
      </p>
    </section>
  );
}
