import { type FormEvent, useEffect, useRef, useState } from "react";
import type * as z from "zod/v4-mini";
import type * as Validation from "~/validation";
import type { FieldErrors } from "~/validation";

/** The form schemas of ~/validation, by export name. */
export type FormSchemaName = {
  [K in keyof typeof Validation]: (typeof Validation)[K] extends z.ZodMiniType ? K : never;
}[keyof typeof Validation];

// The schemas and zod load on the first focus in a form (or its first submit), not with the page:
// the login page's JS has a budget, and zod is most of a form's. One chunk, then cached for all forms.
let loaded: typeof Validation | "unavailable" | undefined;
let loading: Promise<void> | undefined;
const loadValidation = () =>
  (loading ??= import("~/validation").then(
    (module) => {
      loaded = module;
    },
    () => {
      // Offline or a stale deploy: the server's check (the real one) still answers.
      loaded = "unavailable";
    },
  ));

/**
 * Runs the server's own schema in the browser before a form posts, so errors show at once.
 * Server errors (from the action) win when they arrive; either way focus goes to the first
 * invalid field, and after a server answer the password fields are cleared.
 */
export function useFormValidation(schema: FormSchemaName, serverErrors?: FieldErrors) {
  const formRef = useRef<HTMLFormElement>(null);
  const [clientErrors, setClientErrors] = useState<FieldErrors | null>(null);
  const deferred = useRef(false);

  useEffect(() => {
    const form = formRef.current;
    form?.addEventListener("focusin", loadValidation, { once: true });
    return () => form?.removeEventListener("focusin", loadValidation);
  }, []);

  useEffect(() => {
    setClientErrors(null);
    const form = formRef.current;
    if (!form || !serverErrors) return;
    for (const input of form.querySelectorAll<HTMLInputElement>('input[type="password"]')) input.value = "";
    focusFirstInvalid(form, serverErrors);
  }, [serverErrors]);

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    const form = event.currentTarget;
    if (loaded === undefined) {
      // Submitted before the schemas arrived: hold this submit (and any repeat click) until they
      // have, then submit again through the same button.
      event.preventDefault();
      if (deferred.current) return;
      deferred.current = true;
      const submitter = (event.nativeEvent as SubmitEvent).submitter;
      loadValidation().then(() => {
        deferred.current = false;
        form.requestSubmit(submitter);
      });
      return;
    }
    if (loaded === "unavailable") return;
    const formSchema: z.ZodMiniType = loaded[schema];
    const result = loaded.validateForm(formSchema, new FormData(form));
    if (result.ok) {
      setClientErrors(null);
      return;
    }
    event.preventDefault();
    setClientErrors(result.errors);
    focusFirstInvalid(form, result.errors);
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
