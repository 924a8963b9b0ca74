// Where a session signed in, read once from the login request for the account page's devices list:
// a short label from the User-Agent (bowser's tables; the header itself is never kept) and the city
// and country Cloudflare attaches to the request. Anything missing stays null ("Unknown device").
import Bowser from "bowser";

export type SessionOrigin = { device: string | null; city: string | null; country: string | null };

/** Longest name kept for a browser, a system or a city: bowser echoes unknown products from the header. */
const MAX_PART = 60;

export function sessionOrigin(request: Request, cf: IncomingRequestCfProperties | undefined): SessionOrigin {
  return {
    device: deviceLabel(request.headers.get("User-Agent")),
    city: cleanText(cf?.city),
    // Two characters, as Cloudflare sends them (ISO 3166-1 alpha-2, or "T1" for Tor); anything else is dropped.
    country: typeof cf?.country === "string" && /^([A-Z]{2}|T1)$/.test(cf.country) ? cf.country : null,
  };
}

/** "Firefox on Linux", "Safari on iOS", "Chrome" (system unknown); null when neither is known. */
export function deviceLabel(userAgent: string | null): string | null {
  if (!userAgent) return null;
  const { browser, os } = Bowser.parse(userAgent);
  const browserName = cleanText(browser.name);
  const systemName = cleanText(os.name);
  if (browserName && systemName) return `${browserName} on ${systemName}`;
  return browserName ?? (systemName ? `Unknown browser on ${systemName}` : null);
}

/** Trimmed, control characters removed, at most MAX_PART characters; null when nothing is left. */
function cleanText(value: unknown): string | null {
  if (typeof value !== "string") return null;
  const text = value
    .replace(/\p{Cc}/gu, "")
    .trim()
    .slice(0, MAX_PART)
    .trim();
  return text === "" ? null : text;
}

/** "London, United Kingdom", "Germany", or null: the country's English name from the runtime's ICU data. */
export function placeLabel(city: string | null, country: string | null): string | null {
  // "T1" is no region code (Intl would throw): Cloudflare's mark for Tor.
  const countryName = country === "T1" ? "Tor network" : country && (countryNames().of(country) ?? country);
  return [city, countryName].filter(Boolean).join(", ") || null;
}

let regionNames: Intl.DisplayNames | undefined;

function countryNames(): Intl.DisplayNames {
  regionNames ??= new Intl.DisplayNames(["en"], { type: "region", fallback: "code" });
  return regionNames;
}
