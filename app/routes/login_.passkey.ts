// POST (the login page's script, with the browser's assertion, `next` and "Remember me"): signs in
// with the passkey. JSON: where to go (the safe `next` or /dash/, the session cookie set), or the error.
import type { ActionFunctionArgs } from "@remix-run/cloudflare";
import { answerJson, CredentialForm, jsonRefusal, redirectAsJson } from "~/auth/passkeys/json.server";
import { signInWithPasskey } from "~/auth/passkeys/sign-in.server";
import { submitForm } from "~/http/form-action.server";

export async function action({ request, context }: ActionFunctionArgs) {
  return answerJson(async () => {
    const submission = await submitForm(request, context, { schema: CredentialForm, ipLimit: "refuse" });
    if (!submission.ok) return jsonRefusal(submission.reply);
    const { credential, next, remember_me } = submission.data;
    return redirectAsJson(
      await signInWithPasskey(request, context, { credential, next, remember: remember_me === "y" }),
    );
  });
}
