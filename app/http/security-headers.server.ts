// Security headers for every response, in one place. Pages get a CSP whose only script source is
// this request's nonce; 'strict-dynamic' then trusts what those scripts import (Remix's chunks).
import type { HeadersFunction } from "@remix-run/cloudflare";
import { keepRetryAfter } from "~/http/rate-limit.server";

/** What the app never uses, denied outright. */
const PERMISSIONS_POLICY = [
  "accelerometer",
  "autoplay",
  "camera",
  "display-capture",
  "geolocation",
  "gyroscope",
  "magnetometer",
  "microphone",
  "payment",
  "usb",
  "interest-cohort",
]
  .map((feature) => `${feature}=()`)
  .join(", ");

function contentSecurityPolicy(nonce: string): string {
  return [
    "default-src 'self'",
    `script-src 'nonce-${nonce}' 'strict-dynamic'`,
    "style-src 'self'",
    "img-src 'self' data:",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
    "form-action 'self'",
  ].join("; ");
}

/** Adds the headers (the page itself puts the nonce on its scripts and preloads: app/components/scripts-with-nonce.tsx). */
export function withSecurityHeaders(response: Response, request: Request, nonce: string): Response {
  const secured = new Response(response.body, response);
  const headers = secured.headers;
  headers.set("X-Content-Type-Options", "nosniff");
  // A page may ask for a stricter policy (the reset page has a token in its URL).
  if (!headers.has("Referrer-Policy")) headers.set("Referrer-Policy", "strict-origin-when-cross-origin");
  headers.set("Cross-Origin-Opener-Policy", "same-origin");
  headers.set("Permissions-Policy", PERMISSIONS_POLICY);
  // Pages carry CSRF tokens and personal data: no shared or browser cache may keep them.
  if (!headers.has("Cache-Control")) headers.set("Cache-Control", "no-store");
  // request.url may not parse (the guard answers 400 to those), so no URL is built here.
  if (request.url.startsWith("https:")) {
    headers.set("Strict-Transport-Security", "max-age=31536000; includeSubDomains");
  }
  if (!headers.get("Content-Type")?.startsWith("text/html")) return secured;

  headers.set("Content-Security-Policy", contentSecurityPolicy(nonce));
  return secured;
}

/**
 * Route `headers` for the password-reset pages: the reset link's token is in the URL, so no
 * Referer may carry it away and no cache may keep the page; a 429's Retry-After is kept.
 */
export const tokenPageHeaders: HeadersFunction = (args) => {
  const headers = new Headers(keepRetryAfter(args));
  headers.set("Referrer-Policy", "no-referrer");
  headers.set("Cache-Control", "no-store");
  return headers;
};
