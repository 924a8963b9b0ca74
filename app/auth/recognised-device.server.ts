// The `__device` cookie: a browser that has signed in to an account before is recognised by it and
// gets its own allowance of sign-in checks for that account (throttle.server.ts), so strangers'
// failures cannot lock the owner out. The cookie holds a random id and nothing else (no account, no
// address), signed with SESSION_SECRET, HttpOnly, for a year; D1 keeps only the SHA-256 of the id,
// in `recognised_devices`, per account it signed in to.
import { createCookie } from "@remix-run/cloudflare";
import { config } from "~/config";
import { sha256Hex } from "~/crypto/digest.server";
import { randomToken } from "~/crypto/random.server";
import { readEnv } from "~/env.server";

const { idBytes, maxAgeSeconds } = config.deviceCookie;

/** What randomToken(idBytes) yields; anything else in a validly signed cookie is not ours to trust. */
const DEVICE_ID = new RegExp(`^[A-Za-z0-9_-]{${Math.ceil((idBytes * 4) / 3)}}$`);

function deviceCookie(request: Request, env: Env) {
  return createCookie("__device", {
    httpOnly: true,
    sameSite: "lax",
    path: "/",
    secure: new URL(request.url).protocol === "https:",
    maxAge: maxAgeSeconds,
    secrets: readEnv(env, "SESSION_SECRET"),
  });
}

/** This browser's device id, when it sent a validly signed `__device` cookie; else null. */
export async function readDeviceId(request: Request, env: Env): Promise<string | null> {
  const value: unknown = await deviceCookie(request, env)
    .parse(request.headers.get("Cookie"))
    .catch(() => null);
  return typeof value === "string" && DEVICE_ID.test(value) ? value : null;
}

/** The id to recognise this browser by from now on: the one it has, or a new one. */
export async function deviceIdFor(request: Request, env: Env): Promise<string> {
  return (await readDeviceId(request, env)) ?? randomToken(idBytes);
}

/** The Set-Cookie line that (re)issues the cookie for another year. */
export function deviceCookieHeader(request: Request, env: Env, deviceId: string): Promise<string> {
  return deviceCookie(request, env).serialize(deviceId);
}

/** What D1 stores for a device id: its SHA-256, so a copy of the table recognises no browser. */
export function deviceHash(deviceId: string): Promise<string> {
  return sha256Hex(`device:${deviceId}`);
}
