// One schema per form, shared by the browser (instant feedback) and the server (the real check).
import { z } from "zod";
import { config } from "~/config";
import { messages } from "~/messages";

const { limits } = config;

/** One `@`, a dot inside the domain, no whitespace or control characters. */
const PLAUSIBLE_EMAIL = /^[^\s@\p{Cc}]+@[^\s@\p{Cc}.]+(\.[^\s@\p{Cc}.]+)+$/u;

const requiredText = (message: string) => z.string({ required_error: message, invalid_type_error: message });

export const EmailSchema = requiredText(messages.emailRequired)
  .trim()
  .toLowerCase()
  .min(1, messages.emailRequired)
  .max(limits.emailMax, messages.emailTooLong)
  .regex(PLAUSIBLE_EMAIL, messages.emailInvalid);

export const NameSchema = (requiredMessage: string) =>
  requiredText(requiredMessage).trim().min(1, requiredMessage).max(limits.nameMax, messages.nameTooLong);

export const NewPasswordSchema = requiredText(messages.passwordRequired)
  .min(1, messages.passwordRequired)
  .min(limits.passwordMin, messages.passwordTooShort)
  .max(limits.passwordMax, messages.passwordTooLong);

/**
 * A field people never see or fill (hidden, out of the tab order, no autofill-matching name):
 * bots that fill every input trip it and get the ordinary invalid-form answer.
 */
export const HONEYPOT_FIELD = "leave_this_blank";

export const RegisterSchema = z
  .object({
    [HONEYPOT_FIELD]: z.string().max(0, messages.honeypotFilled).optional(),
    email: EmailSchema,
    first_name: NameSchema(messages.firstNameRequired),
    last_name: NameSchema(messages.lastNameRequired),
    password: NewPasswordSchema,
    confirm_password: z.string().optional(),
  })
  .refine((form) => form.password === form.confirm_password, {
    path: ["confirm_password"],
    message: messages.passwordsMustMatch,
  });

export const LoginSchema = z.object({
  // Only "is something there": the format is not checked at login, so a typo and an
  // unknown address get the same answer.
  email: requiredText(messages.emailRequired).trim().toLowerCase().min(1, messages.emailRequired),
  password: requiredText(messages.passwordRequired).min(1, messages.passwordRequired),
  remember_me: z
    .string()
    .optional()
    .transform((value) => value !== undefined),
});

export type RegisterForm = z.infer<typeof RegisterSchema>;
export type LoginForm = z.infer<typeof LoginSchema>;

export type FieldErrors = Partial<Record<string, string>>;

export type Validated<T> = { ok: true; data: T } | { ok: false; errors: FieldErrors };

/** Runs a schema over submitted form data; the first message per field wins. */
export function validateForm<T>(schema: z.ZodType<T, z.ZodTypeDef, unknown>, form: FormData): Validated<T> {
  const result = schema.safeParse(Object.fromEntries(form));
  if (result.success) return { ok: true, data: result.data };
  const errors: FieldErrors = {};
  for (const issue of result.error.issues) {
    const field = String(issue.path[0] ?? "form");
    errors[field] ??= issue.message;
  }
  return { ok: false, errors };
}
