import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/cloudflare";
import { Form, Link, useActionData } from "@remix-run/react";
import { AuthenticityTokenInput } from "remix-utils/csrf/react";
import { redirectWithFlash, registerUser, requireAnonymous } from "~/auth/auth.server";
import { Field, NameFields, NewPasswordFields } from "~/components/fields";
import { useFormValidation } from "~/components/use-form-validation";
import { usePendingSubmit } from "~/components/use-pending-submit";
import { config } from "~/config";
import { submitForm } from "~/http/form-action.server";
import { keepRetryAfter } from "~/http/rate-limit.server";
import { messages, pageMeta } from "~/messages";
import { HONEYPOT_FIELD, RegisterSchema } from "~/validation";

export const meta = pageMeta("Register");

export const headers = keepRetryAfter;

export async function loader({ request, context }: LoaderFunctionArgs) {
  await requireAnonymous(request, context);
  return null;
}

export async function action({ request, context }: ActionFunctionArgs) {
  await requireAnonymous(request, context);
  const submission = await submitForm(request, context, {
    schema: RegisterSchema,
    keep: ["email", "first_name", "last_name"],
    ipLimit: "refuse",
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
  const { formRef, onSubmit, errors } = useFormValidation(RegisterSchema, result?.errors);
  const submitting = usePendingSubmit("/register/");
  const { limits } = config;
  return (
    <section className="card" aria-labelledby="register-title">
      <h1 id="register-title">Create your account</h1>
      <Form method="post" action="/register/" noValidate ref={formRef} onSubmit={onSubmit}>
        <AuthenticityTokenInput />
        <Field
          label="Email"
          name="email"
          type="email"
          autoComplete="email"
          required
          maxLength={limits.emailMax}
          defaultValue={result?.values.email}
          error={errors.email}
        />
        <NameFields values={result?.values ?? {}} errors={errors} />
        <NewPasswordFields label="Password" errors={errors} />
        {/* The honeypot: invisible, unreachable by keyboard, ignored by assistive technology and autofill. */}
        <div className="honeypot" aria-hidden="true">
          <label>
            Leave this field empty
            <input type="text" name={HONEYPOT_FIELD} tabIndex={-1} autoComplete="off" defaultValue="" />
          </label>
        </div>
        <button type="submit" className="button block" disabled={submitting}>
          {submitting ? "Registering…" : "Register"}
        </button>
      </Form>
      <p className="card-footer">
        <Link to="/login/">Have an account already? Log in</Link>
      </p>
    </section>
  );
}
