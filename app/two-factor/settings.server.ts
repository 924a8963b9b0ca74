// /account/two-factor/ and /account/recovery-codes/ (docs/product.md "Two-step verification"):
// setting it up, turning it on with a code, new recovery codes, turning it off. Turning on and off
// are credential changes (credentials.server.ts): one batch bumps the generation, ends every other
// session and moves this one to a new token; the notice email follows.
import type { AppLoadContext } from "@remix-run/cloudflare";
import { and, eq, isNotNull, isNull, type SQL, sql } from "drizzle-orm";
import type { RecheckFailure } from "~/account/account.server";
import { audit } from "~/auth/audit.server";
import type { SignedInUser } from "~/auth/auth.server";
import { credentialChangeStatements } from "~/auth/credential-change.server";
import { mintSessionToken } from "~/auth/session-rows.server";
import { countAndRead } from "~/auth/throttle.server";
import { type Db, getDb, schema } from "~/database/db.server";
import { sendSecurityNotice } from "~/email/notices.server";
import { PRODUCT_NAME } from "~/messages";
import { drawQrCode, type QrCodeDrawing } from "~/two-factor/qr-code.server";
import {
  codesLeft,
  deleteRecoveryCodes,
  mintRecoveryCodes,
  replaceRecoveryCodes,
} from "~/two-factor/recovery-codes.server";
import { newTotpSecret, otpauthUri } from "~/two-factor/totp.server";
import { matchCode, openTotpSecret, sealTotpSecret } from "~/two-factor/two-factor.server";

const { users } = schema;

export type TwoFactorSettings =
  | { on: true; codesLeft: number }
  | { on: false; secret: string; uri: string; qr: QrCodeDrawing };

/**
 * What the page shows. Off: the secret being set up, made and stored (sealed) at the first visit and
 * the same on every visit until a code proves it, with its otpauth URI and QR code. One D1 round trip
 * (two at the first visit of a set-up).
 */
export async function twoFactorSettings(context: AppLoadContext, user: SignedInUser): Promise<TwoFactorSettings> {
  const { env } = context.cloudflare;
  const db = getDb(context);
  const row = await db
    .select({ sealed: users.totpSecret, setup: users.totpSetupSecret, codesLeft: codesLeft() })
    .from(users)
    .where(eq(users.id, user.id))
    .get();
  if (row?.sealed) return { on: true, codesLeft: row.codesLeft };
  const opened = row?.setup ? await openTotpSecret(env, user.id, row.setup) : null;
  const secret = opened?.secret ?? (await startSetUp(db, env, user.id, row?.setup ?? null));
  const uri = otpauthUri(PRODUCT_NAME, user.email, secret);
  return { on: false, secret, uri, qr: drawQrCode(uri) };
}

/**
 * Stores a new set-up secret unless another request stored one first (then that one is the secret:
 * two tabs opened at once show the same). `unusable` is a stored one no key of TOTP_SECRET opens any
 * more, which is replaced.
 */
async function startSetUp(db: Db, env: Env, userId: number, unusable: string | null): Promise<string> {
  const secret = newTotpSecret();
  const sealed = await sealTotpSecret(env, userId, secret);
  const stored = unusable === null ? isNull(users.totpSetupSecret) : eq(users.totpSetupSecret, unusable);
  const [row] = await db
    .update(users)
    .set({ totpSetupSecret: sql`CASE WHEN ${stored} THEN ${sealed} ELSE ${users.totpSetupSecret} END` })
    .where(and(eq(users.id, userId), isNull(users.totpSecret)))
    .returning({ setup: users.totpSetupSecret });
  if (!row?.setup || row.setup === sealed) return secret;
  return (await openTotpSecret(env, userId, row.setup))?.secret ?? secret;
}

export type TurnedOn = { ok: true; codes: string[]; token: string };

/**
 * Turns two-step verification on when `code` is right for the set-up secret. The code is counted by
 * the per-account throttle before it is checked (one round trip with the read of the secret); a right
 * one is one batch: the credential change (the set-up secret becomes the secret, its step used) and
 * ten recovery codes. Returns the codes to show once and this session's new token.
 */
export async function turnOn(
  request: Request,
  context: AppLoadContext,
  user: SignedInUser,
  code: string,
): Promise<TurnedOn | RecheckFailure | { ok: false; reason: "already_on" }> {
  const { env } = context.cloudflare;
  const db = getDb(context);
  const now = new Date();
  const { verdict, rows } = await countAndRead(
    request,
    context,
    user.email,
    db
      .select({ sealed: users.totpSecret, setup: users.totpSetupSecret, generation: users.credentialGeneration })
      .from(users)
      .where(eq(users.id, user.id)),
    user.id,
  );
  if (!verdict.allowed) return { ok: false, reason: "locked", retryAfterMinutes: verdict.retryAfterMinutes };
  const [row] = rows;
  if (row?.sealed) return { ok: false, reason: "already_on" };
  const match = row?.setup ? await matchCode(env, user.id, row.setup, code, null, now) : null;
  if (!match) {
    await audit("two_factor_failure", request, env, user.id);
    return { ok: false, reason: "wrong" };
  }
  const secret = match.resealed ?? match.sealed;
  const { codes, hashes } = await mintRecoveryCodes();
  const { token, id: newId } = await mintSessionToken();
  // Still at the generation read, still off, with the set-up secret the code was checked against: of
  // two racing turn-ons one wins, and the loser writes nothing (no codes either).
  const asRead = and(
    eq(users.credentialGeneration, row?.generation ?? -1),
    isNull(users.totpSecret),
    eq(users.totpSetupSecret, match.sealed),
  ) as SQL;
  const change = await credentialChangeStatements(
    db,
    {
      userId: user.id,
      email: user.email,
      set: { totpSecret: secret, totpSetupSecret: null, totpLastStep: match.step },
      keepSession: { id: user.sessionId, newId },
      onlyIf: asRead,
    },
    now,
  );
  // The codes first: they leave the account's row as it is, so the change's conditions still hold after them.
  const results = await db.batch([...replaceRecoveryCodes(db, user.id, hashes, asRead), ...change]);
  if ((results.at(-1) as unknown[]).length === 0) return { ok: false, reason: "already_on" };
  await audit("two_factor_enabled", request, env, user.id);
  sendSecurityNotice(request, context, user, "two_factor_enabled", { at: now });
  return { ok: true, codes, token };
}

/**
 * The statements that turn two-step verification off for an account (one batch): the recovery codes
 * deleted and the credential change (secret, set-up secret and last step cleared; every session ended
 * but the one the owner turns it off from), all only while it is on; the last statement returns the
 * new generation (no row: it was off). `by` is that session, or the operator (`npm run user:two-factor
 * -- EMAIL --off`), whose change queues the notice with it.
 */
export async function turnOffStatements(
  db: Db,
  account: { userId: number; email: string },
  now: Date,
  by: { keepSession: { id: string; newId: string } } | "operator",
) {
  const on = isNotNull(users.totpSecret);
  const change = await credentialChangeStatements(
    db,
    {
      ...account,
      set: { totpSecret: null, totpSetupSecret: null, totpLastStep: null },
      ...(by === "operator" ? { queueNotice: "two_factor_disabled" as const } : by),
      onlyIf: on,
    },
    now,
  );
  return [deleteRecoveryCodes(db, account.userId, on), ...change] as const;
}

/** Turns two-step verification off; returns this session's new token, or null when it was not on. */
export async function turnOff(request: Request, context: AppLoadContext, user: SignedInUser): Promise<string | null> {
  const { env } = context.cloudflare;
  const db = getDb(context);
  const now = new Date();
  const { token, id: newId } = await mintSessionToken();
  const [first, ...rest] = await turnOffStatements(db, { userId: user.id, email: user.email }, now, {
    keepSession: { id: user.sessionId, newId },
  });
  const results = await db.batch([first, ...rest]);
  if ((results.at(-1) as unknown[]).length === 0) return null;
  await audit("two_factor_disabled", request, env, user.id);
  sendSecurityNotice(request, context, user, "two_factor_disabled", { at: now });
  return token;
}

/** Ten new recovery codes in place of the old ones (one batch); null when two-step verification is off. */
export async function renewRecoveryCodes(
  request: Request,
  context: AppLoadContext,
  user: SignedInUser,
): Promise<string[] | null> {
  const db = getDb(context);
  const { codes, hashes } = await mintRecoveryCodes();
  const [[row]] = await db.batch([
    db
      .select({ on: sql<number>`${users.totpSecret} is not null` })
      .from(users)
      .where(eq(users.id, user.id)),
    ...replaceRecoveryCodes(db, user.id, hashes, isNotNull(users.totpSecret)),
  ]);
  if (!row?.on) return null;
  await audit("recovery_codes_renewed", request, context.cloudflare.env, user.id);
  return codes;
}
