// Reading a posted form: the worker has already enforced the size and content type,
// so what is left is parsing and the CSRF check every action needs.
import { type AppLoadContext, data } from "@remix-run/cloudflare";
import { requireCsrf } from "~/auth/csrf.server";
import { messages } from "~/messages";

/** The posted form, once its CSRF token has checked out; 400 for a body that is no form, 403 for a bad token. */
export async function readPostedForm(request: Request, context: AppLoadContext): Promise<FormData> {
  let form: FormData;
  try {
    form = await request.formData();
  } catch {
    throw data({ message: messages.notAForm }, { status: 400 });
  }
  await requireCsrf(request, context, form);
  return form;
}
