// What passes for an email address, in one place: the forms (validation.ts), the sender address in
// the environment (env.server.ts) and the operator scripts all ask this. No imports, so Node runs
// it as it is from scripts/.

/** One `@`, a dot inside the domain, no whitespace or control characters. */
export const PLAUSIBLE_EMAIL = /^[^\s@\p{Cc}]+@[^\s@\p{Cc}.]+(\.[^\s@\p{Cc}.]+)+$/u;
