// Password rules beyond length, Django-style: a list of small validators, each naming the first
// problem it finds with a new password or null. A validator may be async (the breach check asks a
// service over the network): every form that sets a password applies the list (app/http/form-action.server.ts
// runs the policy). Server-only, so the common-password list stays out of the browser bundle.
import { messages, serverMessages } from "~/messages";
import commonPasswordList from "~/passwords/common-passwords.txt?raw";
import { isBreachedPassword } from "~/passwords/pwned-passwords.server";

/** A password about to be set, with what the rules compare it to. */
export type NewPassword = {
  password: string;
  /** The account's address (registration: the one typed). */
  email: string;
  /** The password it replaces, when the form asked for it (the password change). */
  current?: string;
};

type PasswordValidator = (candidate: NewPassword, env: Env) => string | null | Promise<string | null>;

let commonPasswords: Set<string> | undefined;

// Built on first use, not at module scope, so cold starts that never register stay cheap.
function isCommon(password: string): boolean {
  commonPasswords ??= new Set(commonPasswordList.split("\n").filter((line) => line && !line.startsWith("#")));
  return commonPasswords.has(password.toLowerCase());
}

const validators: PasswordValidator[] = [
  ({ password, current }) =>
    current !== undefined && password === current ? serverMessages.newPasswordUnchanged : null,
  ({ password }) => (isCommon(password) ? messages.passwordTooCommon : null),
  ({ password, email }) => {
    const localPart = email.slice(0, email.lastIndexOf("@")).toLowerCase();
    const lowered = password.toLowerCase();
    // Containment only counts from 3 characters: "a@x.io" must not outlaw every "a".
    const contains = localPart.length >= 3 && lowered.includes(localPart);
    return lowered === localPart || contains ? messages.passwordContainsEmail : null;
  },
  // Last: the only rule that may wait on the network, asked only when the local ones pass.
  async ({ password }, env) => ((await isBreachedPassword(password, env)) ? serverMessages.passwordBreached : null),
];

/** The first rule the new password breaks, or null. Rules run in order; a later one never runs once one fails. */
export async function newPasswordProblem(candidate: NewPassword, env: Env): Promise<string | null> {
  for (const validate of validators) {
    const problem = await validate(candidate, env);
    if (problem) return problem;
  }
  return null;
}
