import { Form } from "@remix-run/react";
import { AuthenticityTokenInput } from "remix-utils/csrf/react";

/** The only way to log out: a POST with the CSRF token (a GET never logs anyone out). */
export function LogoutForm({ className = "button" }: { className?: string }) {
  return (
    <Form method="post" action="/logout/" className="inline-form">
      <AuthenticityTokenInput />
      <button type="submit" className={className}>
        Log out
      </button>
    </Form>
  );
}
