import { Form } from "@remix-run/react";
import { AuthenticityTokenInput } from "remix-utils/csrf/react";
import { SubmitButton } from "~/components/post-form";
import { usePendingSubmit } from "~/components/use-pending-submit";

/** The only way to log out: a POST with the CSRF token (a GET never logs anyone out). */
export function LogoutForm({ className = "button" }: { className?: string }) {
  const pending = usePendingSubmit("/logout/");
  return (
    <Form method="post" action="/logout/" className="inline-form">
      <AuthenticityTokenInput />
      <SubmitButton submitting={pending} pending="Logging out…" className={className}>
        Log out
      </SubmitButton>
    </Form>
  );
}
