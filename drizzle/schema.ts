import { sql } from "drizzle-orm";
import { check, index, integer, primaryKey, sqliteTable, text } from "drizzle-orm/sqlite-core";

export const users = sqliteTable(
  "users",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    // Always stored trimmed and lowercased; the CHECK keeps every writer honest,
    // so the unique constraint is also case-insensitive.
    email: text("email").notNull().unique(),
    firstName: text("first_name").notNull(),
    lastName: text("last_name").notNull(),
    passwordHash: text("password_hash").notNull(),
    createdAt: integer("created_at", { mode: "timestamp_ms" }).notNull(),
    lastLoginAt: integer("last_login_at", { mode: "timestamp_ms" }),
    // The login before the current one, so the dashboard can say when it was.
    previousLoginAt: integer("previous_login_at", { mode: "timestamp_ms" }),
    loginCount: integer("login_count").notNull().default(0),
    /** The form key (session-cookie.server.ts formKeyOf) of the registration that created the account. */
    signUpKey: text("sign_up_key"),
    // Bumped by every change to how the account signs in (password set, two-step verification on or
    // off). A session, a pending sign-in or a login in flight is bound to the generation it was
    // opened with, so a change voids them all in the same write (docs/decisions).
    credentialGeneration: integer("credential_generation").notNull().default(0),
    /** When the owner proved the address by opening an emailed link; null until then. */
    emailConfirmedAt: integer("email_confirmed_at", { mode: "timestamp_ms" }),
    /** The TOTP secret, sealed (AES-GCM) under TOTP_SECRET; null while two-step verification is off. */
    totpSecret: text("totp_secret"),
    /** The secret being set up, sealed the same way, kept until a code proves it (then moved to totp_secret). */
    totpSetupSecret: text("totp_setup_secret"),
    /** The last 30-second step whose code was accepted: that step and earlier ones are refused (no replay). */
    totpLastStep: integer("totp_last_step"),
    /** The WebAuthn user handle: random, made at the first passkey, never the email or the id. */
    webauthnUserId: text("webauthn_user_id").unique(),
  },
  (t) => [check("users_email_lowercase", sql`${t.email} = lower(trim(${t.email}))`)],
);

export const sessions = sqliteTable(
  "sessions",
  {
    // SHA-256 (hex) of the random token in the cookie: a leaked table can't be replayed.
    id: text("id").primaryKey(),
    userId: integer("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    createdAt: integer("created_at", { mode: "timestamp_ms" }).notNull(),
    expiresAt: integer("expires_at", { mode: "timestamp_ms" }).notNull(),
    remember: integer("remember", { mode: "boolean" }).notNull(),
    // Where the session signed in, for the account page's devices list; written at login only, so
    // sessions from before these columns (and requests that carry no such data) leave them NULL.
    /** A short label read from the User-Agent ("Firefox on Linux"), never the header itself. */
    device: text("device"),
    /** Cloudflare's `request.cf.city` and `request.cf.country` (ISO 3166 code) at login. */
    city: text("city"),
    country: text("country"),
    /** The user's credential generation when this session opened: a session of an older one is signed out. */
    credentialGeneration: integer("credential_generation").notNull().default(0),
    /** The last "confirm it's you" (signing in counts): pages that change how the account signs in need it within 10 minutes. */
    confirmedAt: integer("confirmed_at", { mode: "timestamp_ms" }),
  },
  (t) => [index("sessions_user_id_idx").on(t.userId), index("sessions_expires_at_idx").on(t.expiresAt)],
);

// Part three. Every one-time link and pending step, whatever it is for: reset links, address
// confirmation links, address-change links, pending two-step sign-ins. Only the SHA-256 (hex) of
// the token is kept; a newer token of one purpose for one account voids the older ones.
export const tokens = sqliteTable(
  "tokens",
  {
    id: text("id").primaryKey(),
    userId: integer("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    /** "password_reset" | "verify_email" | "change_email" | "second_factor" (app/auth/tokens.server.ts). */
    purpose: text("purpose").notNull(),
    /** What the token carries: the new address of an address change, the `next` and remember-me of a pending sign-in. */
    data: text("data"),
    /** The user's credential generation when it was issued: a credential change voids it. */
    credentialGeneration: integer("credential_generation").notNull(),
    createdAt: integer("created_at", { mode: "timestamp_ms" }).notNull(),
    expiresAt: integer("expires_at", { mode: "timestamp_ms" }).notNull(),
  },
  (t) => [index("tokens_user_id_purpose_idx").on(t.userId, t.purpose), index("tokens_expires_at_idx").on(t.expiresAt)],
);

// Emails sent, for the per-key caps over a sliding hour (reset links per address, confirmation
// links per account). `key` is a SHA-256, so the table holds no address.
export const emailSends = sqliteTable(
  "email_sends",
  {
    key: text("key").notNull(),
    purpose: text("purpose").notNull(),
    sentAt: integer("sent_at", { mode: "timestamp_ms" }).notNull(),
  },
  (t) => [
    index("email_sends_key_purpose_sent_at_idx").on(t.key, t.purpose, t.sentAt),
    index("email_sends_sent_at_idx").on(t.sentAt),
  ],
);

// Checks of a password, a code or a recovery code, counted BEFORE each check runs, per bucket: an
// account as seen from unrecognised browsers, or one recognised browser of an account (its own
// allowance, so strangers cannot lock the owner out). `accountKey` (SHA-256 of the address) lets a
// credential change clear every bucket of the account at once.
export const signInAttempts = sqliteTable(
  "sign_in_attempts",
  {
    bucket: text("bucket").primaryKey(),
    accountKey: text("account_key").notNull(),
    attempts: integer("attempts").notNull(),
    windowStartedAt: integer("window_started_at", { mode: "timestamp_ms" }).notNull(),
  },
  (t) => [
    index("sign_in_attempts_account_key_idx").on(t.accountKey),
    index("sign_in_attempts_window_started_at_idx").on(t.windowStartedAt),
  ],
);

// Every address `npm run users:import` has brought over from the Flask site, as the SHA-256 of the
// normalised address (no address is kept): a second run of the same export skips them, so an
// account deleted since the first run is not brought back.
export const importedEmails = sqliteTable("imported_emails", {
  emailHash: text("email_hash").primaryKey(),
  importedAt: integer("imported_at", { mode: "timestamp_ms" }).notNull(),
});

// Browsers (the `__device` cookie's random id, hashed) that have signed in to an account.
export const recognisedDevices = sqliteTable(
  "recognised_devices",
  {
    userId: integer("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    deviceHash: text("device_hash").notNull(),
    lastSignInAt: integer("last_sign_in_at", { mode: "timestamp_ms" }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.userId, t.deviceHash] })],
);

// Browser-and-system pairs ("Firefox on Linux") an account has signed in from, for the
// "New sign-in to your account" notice. The label only, never the User-Agent.
export const signInDevices = sqliteTable(
  "sign_in_devices",
  {
    userId: integer("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    device: text("device").notNull(),
    firstSeenAt: integer("first_seen_at", { mode: "timestamp_ms" }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.userId, t.device] })],
);

// Two-step verification's recovery codes: only a hash of each, deleted when used.
export const recoveryCodes = sqliteTable(
  "recovery_codes",
  {
    userId: integer("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    codeHash: text("code_hash").notNull(),
  },
  (t) => [primaryKey({ columns: [t.userId, t.codeHash] })],
);

// WebAuthn credentials (passkeys).
export const passkeys = sqliteTable(
  "passkeys",
  {
    /** The credential id, base64url. */
    id: text("id").primaryKey(),
    userId: integer("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    /** The COSE public key, base64url. */
    publicKey: text("public_key").notNull(),
    counter: integer("counter").notNull(),
    /** JSON array of the authenticator's transports, handed back to the browser. */
    transports: text("transports"),
    aaguid: text("aaguid"),
    name: text("name").notNull(),
    createdAt: integer("created_at", { mode: "timestamp_ms" }).notNull(),
    lastUsedAt: integer("last_used_at", { mode: "timestamp_ms" }),
  },
  (t) => [index("passkeys_user_id_idx").on(t.userId)],
);

// WebAuthn challenges: made by the server, 5 minutes, used once. Only the SHA-256 of each is kept.
export const webauthnChallenges = sqliteTable(
  "webauthn_challenges",
  {
    id: text("id").primaryKey(),
    /** "register" or "confirm" (user set), or "authenticate" (anyone, at the login page). */
    purpose: text("purpose").notNull(),
    userId: integer("user_id").references(() => users.id, { onDelete: "cascade" }),
    expiresAt: integer("expires_at", { mode: "timestamp_ms" }).notNull(),
  },
  (t) => [index("webauthn_challenges_expires_at_idx").on(t.expiresAt)],
);

// Security notices queued by the operator commands (`npm run user:password`, `user:two-factor --off`,
// `users:legacy --expire-older-than`): Node cannot reach the worker's EMAIL binding, so the command
// writes this row in the same transaction as the change, and the worker's scheduled run sends it
// (app/email/outbox.server.ts) to the account's address at that time, then deletes the row. A deleted
// account takes its rows with it.
export const pendingNotices = sqliteTable(
  "pending_notices",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    userId: integer("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    /** Which notice (app/email/notices.server.ts): the changes an operator can make. */
    event: text("event", { enum: ["password_changed", "two_factor_disabled", "old_password_expired"] }).notNull(),
    /** When the change was made: the time the notice names. */
    createdAt: integer("created_at", { mode: "timestamp_ms" }).notNull(),
    /** The scheduled run sending it (a random id) and until when: other runs leave the row alone till then. */
    claim: text("claim"),
    claimedUntil: integer("claimed_until", { mode: "timestamp_ms" }),
  },
  (t) => [index("pending_notices_user_id_idx").on(t.userId)],
);

export type User = typeof users.$inferSelect;
export type Session = typeof sessions.$inferSelect;
