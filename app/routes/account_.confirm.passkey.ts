// POST ("Use a passkey" on "Confirm it's you", with the browser's assertion and `next`): confirms
// this session. JSON: where to go (`next` when it is under /account/, else /account/), or the error.
import type { ActionFunctionArgs } from "@remix-run/cloudflare";
import { requireUser } from "~/auth/auth.server";
import { afterConfirmation } from "~/auth/confirm.server";
import { confirmWithPasskey } from "~/auth/passkeys/confirm.server";
import { answerJson, CredentialForm, jsonRefusal, type PasskeyAnswer } from "~/auth/passkeys/json.server";
import { submitForm } from "~/http/form-action.server";

export async function action({ request, context }: ActionFunctionArgs) {
  return answerJson(async () => {
    const user = await requireUser(request, context);
    const submission = await submitForm(request, context, { schema: CredentialForm, ipLimit: "refuse" });
    if (!submission.ok) return jsonRefusal(submission.reply);
    const refused = await confirmWithPasskey(request, context, user, submission.data.credential);
    if (refused) return refused;
    return Response.json({ redirect: afterConfirmation(submission.data.next) } satisfies PasskeyAnswer);
  });
}
