// Every knob in one place, each with the reason for its value.
// Nothing secret lives here: this module is safe in the browser bundle.

const DAY_SECONDS = 24 * 60 * 60;

export const config = {
  /** Remember-me cookie lifetime, and the server-side lifetime of every session (docs/product.md). */
  sessionMaxAgeSeconds: DAY_SECONDS,
  /** Random bytes in a session token: 256 bits, double the product's 128-bit floor. */
  sessionTokenBytes: 32,
  /** Random bytes in a CSRF token. */
  csrfTokenBytes: 32,
  /** Largest request body any route reads (docs/product.md: 64 KiB, else 413). */
  maxBodyBytes: 64 * 1024,
  /** argon2id with OWASP's first recommended set: 19 MiB, 2 passes, 1 lane. */
  argon2: { memoryKiB: 19456, iterations: 2, parallelism: 1, saltBytes: 16, hashBytes: 32 },
  /**
   * Checks of a password or code per bucket (an account as seen from unrecognised browsers, or one
   * recognised browser of that account) in a window that opens at the first check; a success clears
   * the bucket. 5 per 15 minutes is at most 20 wrong guesses an hour per bucket, inside OWASP's "no
   * more than 100 failed attempts per hour" per account (docs/security.md "Throttling sign-in").
   */
  signInThrottle: { maxChecks: 5, windowMs: 15 * 60 * 1000 },
  /**
   * The `__device` cookie that lets a browser keep its own allowance for accounts it has signed in
   * to: 128 random bits, nothing else; a year, renewed at every sign-in (browsers cap cookies at 400 days).
   */
  deviceCookie: { idBytes: 16, maxAgeSeconds: 365 * DAY_SECONDS },
  /**
   * A registration posted again by the same browser within a minute is a repeat, not a new request:
   * without JS, a double click on a slow page aborts the first navigation after its post has left,
   * and the browser posts the form again. The repeat gets the first one's answer (docs/product.md
   * "Repeated posts"; a repeated sign-in needs no window: session-rows.server.ts sessionTokenFor).
   */
  repeatedPostMs: 60 * 1000,
  /** Login, register and password-reset POSTs per client IP per minute; must match [[ratelimits]] in wrangler.toml. */
  ipRateLimit: { limit: 10, periodSeconds: 60 },
  /**
   * Reads that meet one of D1's transient errors are tried again, at most 3 times in all (D1 itself
   * already retries plain reads twice); writes never are, as a lost answer may hide a done write.
   */
  d1ReadRetry: { attempts: 3, firstDelayMs: 20 },
  /**
   * One-time tokens (app/auth/tokens.server.ts): 256 random bits (the product's floor), and how long
   * each kind lives: a reset link 30 minutes, a confirmation link a day (it arrives with the
   * welcome, often read later), an address-change link an hour, a pending two-step sign-in 5 minutes.
   */
  tokens: {
    bytes: 32,
    lifetimeMs: {
      password_reset: 30 * 60 * 1000,
      verify_email: 24 * 60 * 60 * 1000,
      change_email: 60 * 60 * 1000,
      second_factor: 5 * 60 * 1000,
    },
  },
  /**
   * Emails a person can make us send (app/email/send-caps.server.ts): at most 3 of a kind per key
   * (an address for resets, an account for confirmation and address-change links) in any hour, so
   * nobody can flood an inbox through us.
   */
  emailCap: { maxEmails: 3, windowMs: 60 * 60 * 1000 },
  /**
   * Passkeys (docs/product.md "Passkeys"): 256-bit challenges that live 5 minutes (long enough for a
   * phone reached over hybrid transport), at most 20 passkeys per account, a 256-bit random user handle,
   * names up to 60 characters.
   */
  passkeys: {
    challengeBytes: 32,
    challengeLifetimeMs: 5 * 60 * 1000,
    maxPerAccount: 20,
    userHandleBytes: 32,
    nameMax: 60,
  },
  /**
   * "Confirm it's you" (ASVS V7.5.1): pages that change how the account signs in need a password (and
   * code) typed in the last 10 minutes; signing in counts. Long enough to finish a set-up, short
   * enough that a session left open somewhere can't be used to add a factor later.
   */
  confirmationLifetimeMs: 10 * 60 * 1000,
  /**
   * Pwned Passwords range API (app/passwords/pwned-passwords.server.ts): a breach check that has not
   * answered in a second is given up (the password is accepted, the event logged): a slow third party
   * must not hold up registration. Range answers change rarely; the edge cache keeps each a day.
   */
  pwnedPasswords: { timeoutMs: 1000, cacheSeconds: DAY_SECONDS },
  /**
   * Notices queued by the operator commands (app/email/outbox.server.ts), sent by the scheduled run
   * that comes every minute: at most 50 a run (the rest wait a minute), each held for 5 minutes by
   * the run sending it, so overlapping runs don't send it twice and a failed send is tried again
   * 5 minutes later.
   */
  operatorNotices: { perRun: 50, claimMs: 5 * 60 * 1000 },
  /** Field limits from docs/product.md; RFC 5321 caps an address at 254 characters. */
  limits: { emailMax: 254, nameMax: 100, passwordMin: 8, passwordMax: 128 },
} as const;
