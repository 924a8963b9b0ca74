// Fixed to UTC so the server's HTML and the browser's hydration agree.

// Built on first use: constructing it costs about 10 ms of CPU, which at module scope every new
// isolate paid at start-up, whether or not its first page shows a time (docs/performance.md).
let dateFormat: Intl.DateTimeFormat | undefined;

/** A moment as "1 Dec 2026, 10:15 UTC", machine-readable in `dateTime`. */
export function UtcTime({ iso }: { iso: string }) {
  dateFormat ??= new Intl.DateTimeFormat("en-GB", { dateStyle: "medium", timeStyle: "short", timeZone: "UTC" });
  return <time dateTime={iso}>{dateFormat.format(new Date(iso))} UTC</time>;
}
