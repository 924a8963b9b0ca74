// POST (the "Add a passkey" button's script): the options for navigator.credentials.create(), as JSON.
// Adding a passkey changes how the account signs in, so it needs a recent confirmation.
import type { ActionFunctionArgs } from "@remix-run/cloudflare";
import { requireUser } from "~/auth/auth.server";
import { answerJson, confirmationNeeded, jsonError } from "~/auth/passkeys/json.server";
import { registrationOptions, relyingParty } from "~/auth/passkeys/passkeys.server";
import { getDb } from "~/database/db.server";
import { readPostedForm } from "~/http/form.server";
import { serverMessages } from "~/messages";

export async function action({ request, context }: ActionFunctionArgs) {
  return answerJson(async () => {
    const user = await requireUser(request, context);
    await readPostedForm(request, context);
    const unconfirmed = confirmationNeeded(user);
    if (unconfirmed) return unconfirmed;
    const result = await registrationOptions(getDb(context), relyingParty(context.cloudflare.env), user);
    if (!result.ok) return jsonError(serverMessages.passkeyLimit);
    return Response.json(result.options);
  });
}
