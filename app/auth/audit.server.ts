// Auth events, emitted from one place as one JSON line each, so logging and alerting hook in here.
// Never a password, token, cookie or email: the client IP is keyed-hashed, the user is an id.
import { hmac } from "~/crypto/digest.server";
import { toHex } from "~/crypto/encoding.server";
import { readEnv } from "~/env.server";
import { log } from "~/log.server";

export type AuditEvent =
  | "register"
  | "login_success"
  | "login_repeated"
  | "login_failure"
  | "login_locked"
  /** Credentials that checked out but had changed meanwhile (a reset or change won the race): no session. */
  | "login_superseded"
  | "logout"
  | "csrf_rejected"
  | "rate_limited"
  | "profile_updated"
  | "password_changed"
  | "sessions_revoked"
  | "account_deleted"
  /** A wrong password where a signed-in user had to type theirs again (password change, account deletion). */
  | "password_recheck_failure"
  | "password_reset_requested"
  | "password_reset"
  | "passkey_added"
  | "passkey_removed"
  /** A WebAuthn response that failed a check (origin, rp id, UV, signature, counter, challenge). */
  | "passkey_refused"
  | "email_confirmation_sent"
  | "email_confirmed"
  | "email_change_requested"
  | "email_changed"
  /** "Confirm it's you" passed: this session may change how the account signs in for 10 minutes. */
  | "identity_confirmed"
  /** A wrong or reused two-step code or recovery code. */
  | "two_factor_failure"
  | "two_factor_enabled"
  | "two_factor_disabled"
  | "recovery_codes_renewed"
  | "recovery_code_used";

export async function audit(event: AuditEvent, request: Request, env: Env, userId?: number): Promise<void> {
  const ip = request.headers.get("CF-Connecting-IP");
  log("info", event, {
    userId: userId ?? null,
    ip: ip ? await hashIp(ip, env) : null,
    requestId: request.headers.get("CF-Ray"),
  });
}

/** HMAC-SHA-256 of the IP under the signing secret, shortened: stable enough to correlate, useless to reverse. */
async function hashIp(ip: string, env: Env): Promise<string> {
  const [secret = ""] = readEnv(env, "SESSION_SECRET");
  return toHex((await hmac("SHA-256", secret, ip)).slice(0, 8));
}
