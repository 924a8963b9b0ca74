// POST (the "Add a passkey" button's script, with the browser's new credential): checks and stores it,
// sends the notice, and answers JSON: where to go (the list, with a flash), or the error to show.
import type { ActionFunctionArgs } from "@remix-run/cloudflare";
import { audit } from "~/auth/audit.server";
import { requireUser } from "~/auth/auth.server";
import { CeremonyError } from "~/auth/passkeys/ceremony.server";
import {
  answerJson,
  CredentialForm,
  confirmationNeeded,
  jsonError,
  jsonRedirect,
  jsonRefusal,
} from "~/auth/passkeys/json.server";
import { addPasskey, relyingParty } from "~/auth/passkeys/passkeys.server";
import { getDb } from "~/database/db.server";
import { sendSecurityNotice } from "~/email/notices.server";
import { submitForm } from "~/http/form-action.server";
import { serverMessages } from "~/messages";

const refusals = {
  challenge: serverMessages.passkeyExpired,
  duplicate: serverMessages.passkeyAlreadyAdded,
  limit: serverMessages.passkeyLimit,
} as const;

export async function action({ request, context }: ActionFunctionArgs) {
  const { env } = context.cloudflare;
  return answerJson(async () => {
    const user = await requireUser(request, context);
    const submission = await submitForm(request, context, { schema: CredentialForm, ipLimit: "refuse" });
    if (!submission.ok) return jsonRefusal(submission.reply);
    const unconfirmed = confirmationNeeded(user);
    if (unconfirmed) return unconfirmed;
    let added: Awaited<ReturnType<typeof addPasskey>>;
    try {
      added = await addPasskey(getDb(context), relyingParty(env), user.id, submission.data.credential);
    } catch (error) {
      if (!(error instanceof CeremonyError)) throw error;
      await audit("passkey_refused", request, env, user.id);
      return jsonError(serverMessages.passkeyRefused);
    }
    if (!added.ok) return jsonError(refusals[added.reason]);
    await audit("passkey_added", request, env, user.id);
    sendSecurityNotice(request, context, user, "passkey_added", { passkey: added.name });
    return jsonRedirect(request, context, "/account/passkeys/", { kind: "success", text: serverMessages.passkeyAdded });
  });
}
