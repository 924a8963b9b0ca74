// Decides whether a `next` value may be followed after login. Pure, so it is tested exhaustively.

export const DEFAULT_REDIRECT = "/dash/";

/** Paths that would bounce the user straight back into the auth flow. */
const AUTH_PATHS = ["/login", "/logout"];

/** Whitespace, control and format characters: browsers strip some, so `/\t/x` would become `//x`. */
const UNSAFE_CHARACTERS = /[\s\p{Cc}\p{Cf}]/u;

/**
 * True only for a path on this site: a single leading `/`, no scheme, no `//` or `/\`
 * (protocol-relative), no whitespace or control characters (browsers strip some of them,
 * turning `/\t/evil.com` into `//evil.com`), and not the login or logout pages.
 */
export function isSafeRedirect(target: unknown): target is string {
  if (typeof target !== "string" || target.length === 0 || target.length > 2048) return false;
  if (!target.startsWith("/")) return false;
  if (UNSAFE_CHARACTERS.test(target)) return false;
  // Browsers treat `\` as `/` in http(s) URLs: check the string as the browser will read it.
  const asBrowserReads = target.replaceAll("\\", "/");
  if (asBrowserReads.startsWith("//")) return false;

  let url: URL;
  try {
    url = new URL(target, "http://local.invalid");
  } catch {
    return false;
  }
  if (url.origin !== "http://local.invalid") return false;

  const path = decodeRepeatedly(url.pathname).replaceAll("\\", "/").toLowerCase();
  // Encoded ones too (`/%09/x`): whatever decodes the path once more would see `/\t/x`.
  if (path.startsWith("//") || UNSAFE_CHARACTERS.test(path)) return false;
  const normalised = path.replace(/\/+$/, "");
  return !AUTH_PATHS.some((auth) => normalised === auth || normalised.startsWith(`${auth}/`));
}

/** The target if it is safe, else the dashboard. */
export function safeRedirect(target: unknown, fallback: string = DEFAULT_REDIRECT): string {
  return isSafeRedirect(target) ? target : fallback;
}

function decodeRepeatedly(path: string): string {
  let current = path;
  for (let i = 0; i < 3; i++) {
    let next: string;
    try {
      next = decodeURIComponent(current);
    } catch {
      return current;
    }
    if (next === current) break;
    current = next;
  }
  return current;
}
