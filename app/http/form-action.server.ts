// The one way a route action takes a posted form. In order: read the form (the request guard has
// already held its size and content type; a body that is no form is a 400) and check its CSRF token
// (403); apply the per-IP limit when the route asks; validate with the route's schema; check a new
// password against the password policy. A refusal comes back as the form's own data: 400 (429 over
// a limit) with field errors and what was typed, never a password.
//
//   export async function action({ request, context }: ActionFunctionArgs) {
//     const submission = await submitForm(request, context, {
//       schema: RegisterSchema,                  // ~/validation: the same checks the browser runs
//       keep: ["email", "first_name"],           // typed values sent back (no name holding "password" fits)
//       ipLimit: "refuse",                       // 429 over the per-IP limit; "count": the route decides
//       newPassword: (form) => ({ password: form.password, email: form.email }),  // the policy's input
//     });
//     if (!submission.ok) return submission.reply;
//     // The route's own steps, with submission.data; its refusals as submission.reject({ email: "…" }).
//   }
//
// The component reads `useActionData<typeof action>()` as `{ errors, values }` (plus what the
// route's own answers add) and passes `errors` to useFormValidation.
import { type AppLoadContext, data } from "@remix-run/cloudflare";
import type * as z from "zod/v4-mini";
import { requireCsrf } from "~/auth/csrf.server";
import { config } from "~/config";
import { withinIpRateLimit } from "~/http/rate-limit.server";
import { messages } from "~/messages";
import { type NewPassword, newPasswordProblem } from "~/passwords/password-policy.server";
import { type FieldErrors, validateForm } from "~/validation";

/** Fields of a form whose typed value may be shown again: none whose name holds "password". */
export type Keepable<T> = Exclude<keyof T & string, `${string}password${string}`>;

type FormReply<K extends string> = { errors: FieldErrors; values: Record<K, string> };

type Reply<K extends string> = ReturnType<typeof data<FormReply<K>>>;

export type FormSpec<T, K extends Keepable<T>> = {
  schema: z.ZodMiniType<T, unknown>;
  /** The fields whose typed text comes back with a refusal, so nobody types it again. */
  keep?: readonly K[];
  /**
   * The per-IP limit (config.ipRateLimit): "refuse" answers 429 before the fields are checked;
   * "count" counts the request and tells the route (`withinIpLimit`), for a form whose answer must
   * not change (forgot-password).
   */
  ipLimit?: "refuse" | "count";
  /** Where the form sets a new password: what the password policy checks, from the valid form. */
  newPassword?: (form: T) => NewPassword;
};

export type Submission<T, K extends string> =
  | { ok: false; reply: Reply<K> }
  | {
      ok: true;
      data: T;
      values: Record<K, string>;
      /** False only with `ipLimit: "count"` over the limit. */
      withinIpLimit: boolean;
      /** The form again with these errors (400). */
      reject(errors: FieldErrors): Reply<K>;
      /** The form again (429) after too many wrong passwords or codes for the account: try again in so many minutes. */
      tooManyAttempts(retryAfterMinutes: number): Reply<K>;
      /** Null when the password passes the policy; else the form again with the problem under the field (400). */
      checkNewPassword(candidate: NewPassword): Promise<Reply<K> | null>;
    };

export async function submitForm<T, K extends Keepable<T> = never>(
  request: Request,
  context: AppLoadContext,
  spec: FormSpec<T, K>,
): Promise<Submission<T, K>> {
  const { env } = context.cloudflare;
  const form = await readPostedForm(request, context);
  const values = Object.fromEntries((spec.keep ?? []).map((name) => [name, String(form.get(name) ?? "")])) as Record<
    K,
    string
  >;
  const reply = (errors: FieldErrors, init?: ResponseInit): Reply<K> =>
    data({ errors, values }, { status: 400, ...init });
  const tooManyRequests = (message: string, retryAfterSeconds: number) =>
    reply({ form: message }, { status: 429, headers: { "Retry-After": String(retryAfterSeconds) } });
  const checkNewPassword = async (candidate: NewPassword) => {
    const problem = await newPasswordProblem(candidate, env);
    return problem ? reply({ password: problem }) : null;
  };

  const withinIpLimit = spec.ipLimit ? await withinIpRateLimit(request, env) : true;
  if (!withinIpLimit && spec.ipLimit === "refuse") {
    return { ok: false, reply: tooManyRequests(messages.rateLimited, config.ipRateLimit.periodSeconds) };
  }
  const result = validateForm(spec.schema, form);
  if (!result.ok) return { ok: false, reply: reply(result.errors) };
  if (spec.newPassword) {
    const refused = await checkNewPassword(spec.newPassword(result.data));
    if (refused) return { ok: false, reply: refused };
  }
  return {
    ok: true,
    data: result.data,
    values,
    withinIpLimit,
    reject: (errors) => reply(errors),
    tooManyAttempts: (minutes) => tooManyRequests(messages.tooManyAttempts(minutes), minutes * 60),
    checkNewPassword,
  };
}

/** The posted form, once its CSRF token has checked out; 400 for a body that is no form, 403 for a bad token. */
async function readPostedForm(request: Request, context: AppLoadContext): Promise<FormData> {
  let form: FormData;
  try {
    form = await request.formData();
  } catch {
    throw data({ message: messages.notAForm }, { status: 400 });
  }
  await requireCsrf(request, context, form);
  return form;
}
