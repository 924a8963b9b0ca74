// The POST target of "Send the link again" (the button is on /dash/ and /account/ while the address
// is unconfirmed). A page route, so a refusal renders in the site's layout.
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/cloudflare";
import { redirect } from "@remix-run/cloudflare";
import { resendConfirmationLink } from "~/account/email-address.server";
import { redirectWithFlash, requireUser } from "~/auth/auth.server";
import { submitForm } from "~/http/form-action.server";
import { type Flash, messages, serverMessages } from "~/messages";
import { ResendLinkSchema } from "~/validation";

export async function loader({ request, context }: LoaderFunctionArgs) {
  await requireUser(request, context);
  throw redirect("/dash/");
}

export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requireUser(request, context);
  // The answer is a flash on the page the button was on, whatever happened: the per-IP limit is
  // counted, not answered with a page of its own.
  const submission = await submitForm(request, context, { schema: ResendLinkSchema, ipLimit: "count" });
  // Back to the page the button was on; only those two.
  const back = submission.ok && submission.data.next === "/account/" ? "/account/" : "/dash/";
  let flash: Flash;
  if (!submission.ok || !submission.withinIpLimit) {
    flash = { kind: "error", text: messages.rateLimited };
  } else {
    const sent = await resendConfirmationLink(request, context, user);
    flash =
      sent === "sent"
        ? { kind: "success", text: serverMessages.confirmationLinkSent }
        : sent === "capped"
          ? { kind: "error", text: serverMessages.tooManyLinks }
          : { kind: "info", text: serverMessages.emailAlreadyConfirmed };
  }
  throw await redirectWithFlash(request, context, back, flash);
}

/** Never shown: a GET redirects, and a POST redirects or fails (the root's error page). */
export default function SendConfirmationLink() {
  return null;
}
