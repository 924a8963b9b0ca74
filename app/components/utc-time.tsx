// Fixed to UTC so the server's HTML and the browser's hydration agree.
const dateFormat = new Intl.DateTimeFormat("en-GB", { dateStyle: "medium", timeStyle: "short", timeZone: "UTC" });

/** A moment as "1 Dec 2026, 10:15 UTC", machine-readable in `dateTime`. */
export function UtcTime({ iso }: { iso: string }) {
  return <time dateTime={iso}>{dateFormat.format(new Date(iso))} UTC</time>;
}
