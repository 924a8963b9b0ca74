// POST ("Confirm it's you"'s "Use a passkey" button): options for navigator.credentials.get() that
// only this user's passkeys answer, as JSON. Signed in only, like adding's options; the POST that
// checks the assertion is the one counted by the per-IP limit and the account's throttle.
import type { ActionFunctionArgs } from "@remix-run/cloudflare";
import * as z from "zod/v4-mini";
import { requireUser } from "~/auth/auth.server";
import { confirmationOptions } from "~/auth/passkeys/confirm.server";
import { answerJson, jsonRefusal } from "~/auth/passkeys/json.server";
import { submitForm } from "~/http/form-action.server";

export async function action({ request, context }: ActionFunctionArgs) {
  return answerJson(async () => {
    const user = await requireUser(request, context);
    const submission = await submitForm(request, context, { schema: z.object({}) });
    if (!submission.ok) return jsonRefusal(submission.reply);
    return Response.json(await confirmationOptions(context, user));
  });
}
