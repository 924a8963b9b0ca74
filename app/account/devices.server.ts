// The devices list: every live session of the signed-in user, and signing some of them out.
import type { AppLoadContext } from "@remix-run/cloudflare";
import { sessionIdFromReference, sessionReference } from "~/account/device-references.server";
import { audit } from "~/auth/audit.server";
import type { SignedInUser } from "~/auth/auth.server";
import { placeLabel } from "~/auth/session-origin.server";
import { endOtherSession, endUserSessions, liveSessionsOf } from "~/auth/session-rows.server";
import { getDb } from "~/database/db.server";

export type Device = {
  /** What this device's "Sign out" button posts; null for the current session, which has no button. */
  reference: string | null;
  /** "Firefox on Linux"; null for sessions from before devices were recorded. */
  label: string | null;
  /** "London, United Kingdom", when the login request carried a place. */
  place: string | null;
  signedInAt: string;
};

/** Newest first. The session ids themselves never leave the server. */
export async function listDevices(context: AppLoadContext, user: SignedInUser): Promise<Device[]> {
  const rows = await liveSessionsOf(getDb(context), user.id, new Date());
  return Promise.all(
    rows.map(async (row) => ({
      reference: row.id === user.sessionId ? null : await sessionReference(context, user.id, row.id),
      label: row.device,
      place: placeLabel(row.city, row.country),
      signedInAt: row.createdAt.toISOString(),
    })),
  );
}

/** The value of `session` for "Sign out of all other devices". */
const OTHER_DEVICES = "others";

/**
 * Signs out every other device (`OTHER_DEVICES`) or the one a reference names. False, with nothing
 * deleted, when the reference names none of this user's other sessions.
 */
export async function signOutDevices(
  request: Request,
  context: AppLoadContext,
  user: SignedInUser,
  target: string,
): Promise<boolean> {
  const { env } = context.cloudflare;
  const db = getDb(context);
  if (target === OTHER_DEVICES) {
    await endUserSessions(db, user.id, user.sessionId);
  } else {
    const sessionId = await sessionIdFromReference(context, user.id, target);
    if (sessionId === null || !(await endOtherSession(db, user.id, user.sessionId, sessionId))) return false;
  }
  await audit("sessions_revoked", request, env, user.id);
  return true;
}
