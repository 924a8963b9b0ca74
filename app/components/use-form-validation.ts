import { type FormEvent, useEffect, useRef, useState } from "react";
import type { z } from "zod/v4-mini";
import { type FieldErrors, validateForm } from "~/validation";

/**
 * Runs the server's own schema in the browser before a form posts, so errors show at once.
 * Server errors (from the action) win when they arrive; either way focus goes to the first
 * invalid field, and after a server answer the password fields are cleared.
 */
export function useFormValidation<T>(schema: z.ZodMiniType<T, unknown>, serverErrors?: FieldErrors) {
  const formRef = useRef<HTMLFormElement>(null);
  const [clientErrors, setClientErrors] = useState<FieldErrors | null>(null);

  useEffect(() => {
    setClientErrors(null);
    const form = formRef.current;
    if (!form || !serverErrors) return;
    for (const input of form.querySelectorAll<HTMLInputElement>('input[type="password"]')) input.value = "";
    focusFirstInvalid(form, serverErrors);
  }, [serverErrors]);

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    const result = validateForm(schema, new FormData(event.currentTarget));
    if (result.ok) {
      setClientErrors(null);
      return;
    }
    event.preventDefault();
    setClientErrors(result.errors);
    focusFirstInvalid(event.currentTarget, result.errors);
  }

  return { formRef, onSubmit, errors: clientErrors ?? serverErrors ?? {} };
}

function focusFirstInvalid(form: HTMLFormElement, errors: FieldErrors) {
  for (const element of Array.from(form.elements)) {
    if (element instanceof HTMLInputElement && errors[element.name]) {
      element.focus();
      return;
    }
  }
}
