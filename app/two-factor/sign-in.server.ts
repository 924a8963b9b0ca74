// Signing in with two-step verification (docs/product.md "Signing in with two-step verification").
// A right password for an account with it on opens no session: it leaves a pending sign-in, a
// one-time token (tokens.server.ts, purpose "second_factor", 5 minutes, void after any credential
// change) whose row carries `next`, "Remember me", a rehash of an old password hash and a flash. Only this
// browser holds the token, in its signed `__session` cookie, beside the account's address sealed
// (the throttle is keyed by the address, and the code step must count before it reads anything).
// A right code or recovery code then ends in completeSignIn, exactly as a password login does.
//
// D1 round trips of the code step: (1) the check counted by the throttle, with the pending sign-in
// and the account's secret read; (2) the pending sign-in and the code's step (or the recovery code)
// used up together; (3) completeSignIn's one write batch. A wrong code stops after (1).
import { type AppLoadContext, redirect } from "@remix-run/cloudflare";
import { and, eq, exists, type SQL, sql } from "drizzle-orm";
import { audit } from "~/auth/audit.server";
import { redirectWithFlash } from "~/auth/auth.server";
import { getCookieSession } from "~/auth/session-cookie.server";
import { type CompletedSignIn, completeSignIn } from "~/auth/sign-in.server";
import { checkVerdict, countCheck, throttleKey } from "~/auth/throttle.server";
import {
  findLiveToken,
  hashOfPresented,
  issueToken,
  live,
  newToken,
  spendToken,
  whileLive,
} from "~/auth/tokens.server";
import { seal, unseal } from "~/crypto/seal.server";
import { getDb, schema } from "~/database/db.server";
import { sendSecurityNotice } from "~/email/notices.server";
import { readEnv } from "~/env.server";
import { type Flash, serverMessages } from "~/messages";
import { normaliseRecoveryCode, recoveryCodeHash, spendRecoveryCode } from "~/two-factor/recovery-codes.server";
import { matchCode, spendStep, stepIsFresh } from "~/two-factor/two-factor.server";

const { users, tokens, recoveryCodes } = schema;

const SECOND_STEP_PATH = "/login/two-factor/";
const SEAL_PURPOSE = "pending-sign-in";

/** What the pending sign-in's row carries into completeSignIn. */
type Carried = { next?: string; remember: boolean; rehash?: string; flash?: Flash };

/**
 * After a right password: stores the pending sign-in (bound to the generation read before the
 * password was checked) and answers 303 to the code page with it in this browser's cookie. One D1
 * round trip. A credential change that landed meanwhile stores nothing: back to the login page.
 */
export async function beginSecondStep(
  request: Request,
  context: AppLoadContext,
  signIn: Omit<CompletedSignIn, "method">,
): Promise<Response> {
  const db = getDb(context);
  const { token, hash } = await newToken();
  const carried: Carried = {
    remember: signIn.remember,
    ...(typeof signIn.next === "string" ? { next: signIn.next } : {}),
    ...(signIn.rehash ? { rehash: signIn.rehash } : {}),
    ...(signIn.flash ? { flash: signIn.flash } : {}),
  };
  // Only the store: older pending sign-ins stay, as the owner may be signing in on two browsers.
  const [store] = issueToken(db, {
    hash,
    purpose: "second_factor",
    forUser: and(eq(users.id, signIn.userId), eq(users.credentialGeneration, signIn.generation)) as SQL,
    data: JSON.stringify(carried),
  });
  if ((await store).length === 0) {
    return redirectWithFlash(request, context, "/login/", { kind: "error", text: serverMessages.signInSuperseded });
  }
  const [secret = ""] = readEnv(context.cloudflare.env, "SESSION_SECRET");
  const { session, commit } = await getCookieSession(request, context);
  session.set("pendingSignIn", { token, account: await seal(secret, SEAL_PURPOSE, signIn.email, token) });
  return redirect(SECOND_STEP_PATH, { status: 303, headers: { "Set-Cookie": await commit() } });
}

type Pending = { hash: string; email: string };

/** This browser's pending sign-in, as its cookie holds it (not yet checked against D1); null when it holds none of ours. */
async function readPending(request: Request, context: AppLoadContext): Promise<Pending | null> {
  const { session } = await getCookieSession(request, context);
  const pending = session.get("pendingSignIn");
  const hash = await hashOfPresented(pending?.token);
  if (!pending || !hash) return null;
  const email = await unseal(
    readEnv(context.cloudflare.env, "SESSION_SECRET"),
    SEAL_PURPOSE,
    pending.account,
    pending.token,
  );
  return email === null ? null : { hash, email };
}

/** Whether this browser has a live pending sign-in (the code page's GET). One D1 query. */
export async function hasPendingSignIn(request: Request, context: AppLoadContext): Promise<boolean> {
  const pending = await readPending(request, context);
  return pending !== null && (await findLiveToken(getDb(context), "second_factor", pending.hash)) !== null;
}

/** Back to the login page with the pending sign-in gone from the cookie: none, expired or used. */
export function toLoginPage(request: Request, context: AppLoadContext): Promise<Response> {
  return getCookieSession(request, context).then(({ session }) => {
    session.unset("pendingSignIn");
    return redirectWithFlash(request, context, "/login/", { kind: "info", text: serverMessages.signInExpired });
  });
}

export type SecondStepResult =
  | { ok: true; response: Response }
  | { ok: false; reason: "expired" | "wrong" }
  | { ok: false; reason: "locked"; retryAfterMinutes: number };

/**
 * Checks the code (or, when no code is given, the recovery code) of this browser's pending sign-in,
 * counted by the per-account throttle before anything is checked, and when it is right signs in
 * through completeSignIn. A recovery code used also sends its notice.
 */
export async function finishSecondStep(
  request: Request,
  context: AppLoadContext,
  form: { code?: string | undefined; recovery_code?: string | undefined },
): Promise<SecondStepResult> {
  const { env } = context.cloudflare;
  const pending = await readPending(request, context);
  if (!pending) return { ok: false, reason: "expired" };
  const db = getDb(context);
  const now = new Date();
  const code = form.code?.trim() ?? "";
  const recoveryHash =
    !code && normaliseRecoveryCode(form.recovery_code ?? "") ? await recoveryCodeHash(form.recovery_code ?? "") : null;
  const key = await throttleKey(request, env, pending.email);
  const [counted, [row]] = await db.batch([
    countCheck(db, key, now),
    db
      .select({
        userId: users.id,
        email: users.email,
        firstName: users.firstName,
        generation: users.credentialGeneration,
        sealed: users.totpSecret,
        lastStep: users.totpLastStep,
        data: tokens.data,
        recoveryCodeKnown: recoveryHash
          ? sql<number>`${exists(
              db
                .select({ one: sql`1` })
                .from(recoveryCodes)
                .where(and(eq(recoveryCodes.userId, users.id), eq(recoveryCodes.codeHash, recoveryHash))),
            )}`.as("recovery_code_known")
          : sql<number>`0`.as("recovery_code_known"),
      })
      .from(tokens)
      .innerJoin(users, eq(tokens.userId, users.id))
      .where(live("second_factor", pending.hash, now))
      .limit(1),
  ]);
  const verdict = checkVerdict(counted, now);
  if (!verdict.allowed) {
    await audit("login_locked", request, env, row?.userId);
    return { ok: false, reason: "locked", retryAfterMinutes: verdict.retryAfterMinutes };
  }
  if (!row) return { ok: false, reason: "expired" };

  let accepted = false;
  if (code && row.sealed) {
    const match = await matchCode(env, row.userId, row.sealed, code, row.lastStep, now);
    if (match) {
      // Both or neither: the pending sign-in goes only with a step not accepted before.
      const fresh = exists(db.select({ id: users.id }).from(users).where(stepIsFresh(row.userId, match)));
      const [spent, used] = await db.batch([
        spendToken(db, "second_factor", pending.hash, now, fresh),
        spendStep(db, row.userId, match),
      ]);
      accepted = spent.length === 1 && used.length === 1;
    }
  } else if (recoveryHash && row.recoveryCodeKnown) {
    const [used] = await db.batch([
      spendRecoveryCode(db, row.userId, recoveryHash, whileLive(db, "second_factor", pending.hash, now)),
      spendToken(db, "second_factor", pending.hash, now),
    ]);
    accepted = used.length === 1;
  }
  if (!accepted) {
    await audit("two_factor_failure", request, env, row.userId);
    return { ok: false, reason: "wrong" };
  }

  const carried = JSON.parse(row.data ?? "{}") as Carried;
  const response = await completeSignIn(request, context, {
    userId: row.userId,
    email: row.email,
    generation: row.generation,
    remember: carried.remember === true,
    next: carried.next,
    method: code ? "two_factor" : "recovery_code",
    ...(carried.rehash ? { rehash: carried.rehash } : {}),
    ...(carried.flash ? { flash: carried.flash } : {}),
  });
  if (!code) {
    await audit("recovery_code_used", request, env, row.userId);
    sendSecurityNotice(request, context, row, "recovery_code_used", { at: now });
  }
  return { ok: true, response };
}
