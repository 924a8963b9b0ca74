// Password rules beyond length, Django-style: small validators `(password, email) => error | null`.
// Server-only, so the common-password list stays out of the browser bundle.
import { messages } from "~/messages";
import commonPasswordList from "~/passwords/common-passwords.txt?raw";

type PasswordValidator = (password: string, email: string) => string | null;

let commonPasswords: Set<string> | undefined;

// Built on first use, not at module scope, so cold starts that never register stay cheap.
function isCommon(password: string): boolean {
  commonPasswords ??= new Set(commonPasswordList.split("\n").filter((line) => line && !line.startsWith("#")));
  return commonPasswords.has(password.toLowerCase());
}

const validators: PasswordValidator[] = [
  (password) => (isCommon(password) ? messages.passwordTooCommon : null),
  (password, email) => {
    const localPart = email.slice(0, email.lastIndexOf("@")).toLowerCase();
    const lowered = password.toLowerCase();
    // Containment only counts from 3 characters: "a@x.io" must not outlaw every "a".
    const contains = localPart.length >= 3 && lowered.includes(localPart);
    return lowered === localPart || contains ? messages.passwordContainsEmail : null;
  },
];

/** The first rule the password breaks, or null. */
export function passwordPolicyError(password: string, email: string): string | null {
  for (const validate of validators) {
    const error = validate(password, email);
    if (error) return error;
  }
  return null;
}
