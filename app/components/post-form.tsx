import { Form } from "@remix-run/react";
import type { ReactNode } from "react";
import { AuthenticityTokenInput } from "remix-utils/csrf/react";
import { type FormSchemaName, useFormValidation } from "~/components/use-form-validation";
import { usePendingSubmit } from "~/components/use-pending-submit";
import type { FieldErrors } from "~/validation";

/**
 * A page's form state: the route's schema run in the browser (errors at once, server errors when
 * they come) and whether its post is under way. `action` is where it posts, query string and all.
 */
export function usePostForm(action: string, schema: FormSchemaName, serverErrors?: FieldErrors) {
  const validation = useFormValidation(schema, serverErrors);
  const submitting = usePendingSubmit(action);
  return { ...validation, action, submitting };
}

type PostFormState = ReturnType<typeof usePostForm>;

/** The submit button: disabled, with its `pending` wording, while the post is under way. */
export function SubmitButton({
  submitting,
  pending,
  className = "button block",
  children,
}: {
  submitting: boolean;
  pending: string;
  className?: string;
  children: ReactNode;
}) {
  return (
    <button type="submit" className={className} disabled={submitting}>
      {submitting ? pending : children}
    </button>
  );
}

/**
 * A POST form with its CSRF token, the fields given as children, and the submit button last.
 * Validation runs in the browser first (noValidate: the schema's messages, not the browser's).
 */
export function PostForm({
  form,
  submit,
  pending,
  buttonClass,
  children,
}: {
  form: PostFormState;
  submit: string;
  pending: string;
  buttonClass?: string;
  children: ReactNode;
}) {
  return (
    <Form method="post" action={form.action} noValidate ref={form.formRef} onSubmit={form.onSubmit}>
      <AuthenticityTokenInput />
      {children}
      <SubmitButton submitting={form.submitting} pending={pending} className={buttonClass}>
        {submit}
      </SubmitButton>
    </Form>
  );
}
