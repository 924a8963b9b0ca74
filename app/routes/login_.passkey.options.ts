// POST (the login page's script, as the page loads and for the "Sign in with a passkey" button): the
// options for navigator.credentials.get(), as JSON. Counted by the per-IP limit like the login form.
import type { ActionFunctionArgs } from "@remix-run/cloudflare";
import * as z from "zod/v4-mini";
import { answerJson, jsonRefusal } from "~/auth/passkeys/json.server";
import { relyingParty } from "~/auth/passkeys/passkeys.server";
import { authenticationOptions } from "~/auth/passkeys/sign-in.server";
import { getDb } from "~/database/db.server";
import { submitForm } from "~/http/form-action.server";

export async function action({ request, context }: ActionFunctionArgs) {
  return answerJson(async () => {
    const submission = await submitForm(request, context, { schema: z.object({}), ipLimit: "refuse" });
    if (!submission.ok) return jsonRefusal(submission.reply);
    return Response.json(await authenticationOptions(getDb(context), relyingParty(context.cloudflare.env)));
  });
}
