// POST (the "Add a passkey" button's script): the options for navigator.credentials.create(), as JSON.
// Adding a passkey changes how the account signs in, so it needs a recent confirmation.
import type { ActionFunctionArgs } from "@remix-run/cloudflare";
import * as z from "zod/v4-mini";
import { requireUser } from "~/auth/auth.server";
import { answerJson, confirmationNeeded, jsonError, jsonRefusal } from "~/auth/passkeys/json.server";
import { registrationOptions, relyingParty } from "~/auth/passkeys/passkeys.server";
import { getDb } from "~/database/db.server";
import { submitForm } from "~/http/form-action.server";
import { serverMessages } from "~/messages";

export async function action({ request, context }: ActionFunctionArgs) {
  return answerJson(async () => {
    const user = await requireUser(request, context);
    const submission = await submitForm(request, context, { schema: z.object({}), ipLimit: "refuse" });
    if (!submission.ok) return jsonRefusal(submission.reply);
    const unconfirmed = confirmationNeeded(user);
    if (unconfirmed) return unconfirmed;
    const result = await registrationOptions(getDb(context), relyingParty(context.cloudflare.env), user);
    if (!result.ok) return jsonError(serverMessages.passkeyLimit);
    return Response.json(result.options);
  });
}
