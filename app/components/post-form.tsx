import { Form, useLocation } from "@remix-run/react";
import { type FormEvent, type ReactNode, useEffect, useRef } from "react";
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
  const location = useLocation();
  // The button is disabled only once React has drawn `submitting`, a moment after the post has
  // left: a double click's second submit in that moment would post again (docs/product.md
  // "Repeated posts"). It is dropped until the page moves on: drawn as submitting, answered, or left.
  const posted = useRef(false);
  // biome-ignore lint/correctness/useExhaustiveDependencies: each is a sign that the page moved on.
  useEffect(() => {
    posted.current = false;
  }, [submitting, serverErrors, location.key]);
  function onSubmit(event: FormEvent<HTMLFormElement>) {
    if (posted.current) return event.preventDefault();
    validation.onSubmit(event);
    posted.current = !event.defaultPrevented;
  }
  return { ...validation, onSubmit, action, submitting };
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
