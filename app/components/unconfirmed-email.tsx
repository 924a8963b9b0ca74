import { Form } from "@remix-run/react";
import { AuthenticityTokenInput } from "remix-utils/csrf/react";
import { SubmitButton } from "~/components/post-form";
import { usePendingSubmit } from "~/components/use-pending-submit";

/**
 * "Your email address is not confirmed." with "Send the link again", on the dashboard and the
 * account page while the address is unproved. `back` is where the answer returns to.
 */
export function UnconfirmedEmail({ back }: { back: "/dash/" | "/account/" }) {
  const sending = usePendingSubmit("/verify-email/send/");
  return (
    <div className="unconfirmed">
      <p>Your email address is not confirmed.</p>
      <Form method="post" action="/verify-email/send/">
        <AuthenticityTokenInput />
        <input type="hidden" name="next" value={back} />
        <SubmitButton submitting={sending} pending="Sending…" className="button secondary small">
          Send the link again
        </SubmitButton>
      </Form>
    </div>
  );
}
