// One schema per form, shared by the browser (instant feedback) and the server (the real check).
// zod's mini build: the same checks as the full one, in about a third of the browser bytes.
import * as z from "zod/v4-mini";
import { config } from "~/config";
import { PLAUSIBLE_EMAIL } from "~/email-address";
import { messages } from "~/messages";

const { limits } = config;

/** A text field: `message` when it is missing or not text, then `checks` in order. */
const requiredText = (message: string, ...checks: Parameters<ReturnType<typeof z.string>["check"]>) =>
  z.string({ error: message }).check(...checks);

export const EmailSchema = requiredText(
  messages.emailRequired,
  z.trim(),
  z.toLowerCase(),
  z.minLength(1, messages.emailRequired),
  z.maxLength(limits.emailMax, messages.emailTooLong),
  z.regex(PLAUSIBLE_EMAIL, messages.emailInvalid),
);

export const NameSchema = (requiredMessage: string) =>
  requiredText(
    requiredMessage,
    z.trim(),
    z.minLength(1, requiredMessage),
    z.maxLength(limits.nameMax, messages.nameTooLong),
  );

/** The names, as registration and the account page both take them. */
const NamesShape = {
  first_name: NameSchema(messages.firstNameRequired),
  last_name: NameSchema(messages.lastNameRequired),
};

/** A password being typed to prove who you are: only "is something there" (the hash decides the rest). */
const TypedPasswordSchema = (requiredMessage: string) => requiredText(requiredMessage, z.minLength(1, requiredMessage));

const NewPasswordSchema = requiredText(
  messages.passwordRequired,
  z.minLength(1, messages.passwordRequired),
  z.minLength(limits.passwordMin, messages.passwordTooShort),
  z.maxLength(limits.passwordMax, messages.passwordTooLong),
);

/**
 * A field people never see or fill (hidden, out of the tab order, no autofill-matching name):
 * bots that fill every input trip it and get the ordinary invalid-form answer.
 */
export const HONEYPOT_FIELD = "leave_this_blank";

/** A new password typed twice: registration, the password change and the reset. */
const NewPasswordPairShape = { password: NewPasswordSchema, confirm_password: z.optional(z.string()) };
const passwordsMatch = z.refine<{ password: string; confirm_password?: string | undefined }>(
  (form) => form.password === form.confirm_password,
  { path: ["confirm_password"], message: messages.passwordsMustMatch },
);

export const RegisterSchema = z
  .object({
    [HONEYPOT_FIELD]: z.optional(z.string().check(z.maxLength(0, messages.honeypotFilled))),
    email: EmailSchema,
    ...NamesShape,
    ...NewPasswordPairShape,
  })
  .check(passwordsMatch);

export const ForgotPasswordSchema = z.object({ email: EmailSchema });

/** The new address of /account/email/: validated as at registration. */
export const ChangeEmailSchema = z.object({ email: EmailSchema });

export const ResetPasswordSchema = z
  .object({
    // Checked against D1 by the action; a malformed one is simply an invalid link.
    token: z.optional(z.string()),
    ...NewPasswordPairShape,
  })
  .check(passwordsMatch);

export const LoginSchema = z.object({
  // Only "is something there": the format is not checked at login, so a typo and an
  // unknown address get the same answer.
  email: requiredText(messages.emailRequired, z.trim(), z.toLowerCase(), z.minLength(1, messages.emailRequired)),
  password: TypedPasswordSchema(messages.passwordRequired),
  remember_me: z.pipe(
    z.optional(z.string()),
    z.transform((value) => value !== undefined),
  ),
  /** Where to go once signed in (checked by safeRedirect); kept for the retry, as the form posts without the query. */
  next: z.optional(z.string()),
});

export const ProfileSchema = z.object(NamesShape);

export const ChangePasswordSchema = z
  .object({ current_password: TypedPasswordSchema(messages.currentPasswordRequired), ...NewPasswordPairShape })
  .check(passwordsMatch);

export const DeleteAccountSchema = z.object({ password: TypedPasswordSchema(messages.passwordRequired) });

/** A form with nothing but its CSRF token (log out). */
export const EmptyFormSchema = z.object({});

/** A devices list "Sign out" button: a session reference, or "others" (the route answers 404 to anything it can't use). */
export const SignOutDevicesSchema = z.object({ session: z.optional(z.string()) });

/** /verify-email/'s button: the link's token (checked against D1 by the action; anything else is an invalid link). */
export const AddressLinkSchema = z.object({ token: z.optional(z.string()) });

/** "Send the link again": the page the button was on, to come back to. */
export const ResendLinkSchema = z.object({ next: z.optional(z.string()) });

/** "Confirm it's you": the password, and the code when two-step verification is on (the action decides whether it must be there). */
export const ConfirmSchema = z.object({
  password: TypedPasswordSchema(messages.passwordRequired),
  code: z.optional(z.string()),
  next: z.optional(z.string()),
});

export type RegisterForm = z.infer<typeof RegisterSchema>;
export type LoginForm = z.infer<typeof LoginSchema>;
export type ProfileForm = z.infer<typeof ProfileSchema>;
export type ChangePasswordForm = z.infer<typeof ChangePasswordSchema>;

export type FieldErrors = Partial<Record<string, string>>;

export type Validated<T> = { ok: true; data: T } | { ok: false; errors: FieldErrors };

/** Runs a schema over submitted form data; the first message per field wins. */
export function validateForm<T>(schema: z.ZodMiniType<T, unknown>, form: FormData): Validated<T> {
  const result = schema.safeParse(Object.fromEntries(form));
  if (result.success) return { ok: true, data: result.data };
  const errors: FieldErrors = {};
  for (const issue of result.error.issues) {
    const field = String(issue.path[0] ?? "form");
    errors[field] ??= issue.message;
  }
  return { ok: false, errors };
}
