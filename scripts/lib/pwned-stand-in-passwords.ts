// What the Pwned Passwords stand-in (pwned-stand-in.ts) knows, apart from its server so the workerd
// tests can import it too.

/** Passwords the stand-in reports as breached (none is on the common-password list, so the breach check is what refuses them). */
export const STAND_IN_BREACHED = ["breached-passphrase-2019", "Summer2019!Summer", "p4ssw0rd from a leak"];

/** Passwords whose SHA-1 the stand-in lists with count 0, as the real service's padding may: not breached. */
export const STAND_IN_PADDED = ["zero-count padding entry"];

/** How long `/slow/` waits before answering: longer than the worker's one-second timeout. */
export const SLOW_ANSWER_MS = 2500;
