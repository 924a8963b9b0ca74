// The workerd side of the werkzeug cross-check: asks the real werkzeug (Python, via Node) for hashes.
import { env } from "cloudflare:workers";
import type { WerkzeugItem, WerkzeugRun } from "../setup/werkzeug";

/** Every werkzeug on the machine hashes every item; fails when there is none (install python3-werkzeug). */
export async function werkzeugHashes(items: WerkzeugItem[]): Promise<WerkzeugRun[]> {
  const response = await env.WERKZEUG.fetch("http://werkzeug/hash", {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ items }),
  });
  if (!response.ok) throw new Error(`werkzeug: ${response.status} ${await response.text()}`);
  const { runs } = (await response.json()) as { runs: WerkzeugRun[] };
  if (runs.length === 0) throw new Error("no werkzeug found: apt-get install -y python3-werkzeug");
  return runs;
}

/** A random password: printable ASCII, or with letters from other scripts and an emoji. */
export function randomPassword(nonAscii: boolean): string {
  const ascii = " !\"#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefghijklmnopqrstuvwxyz{|}~";
  const wide = [..."äöüßéèçñøåæœ日本語密码пароль🔑✓"];
  const alphabet = nonAscii ? [...ascii, ...wide] : [...ascii];
  const bytes = crypto.getRandomValues(new Uint8Array(12 + ((crypto.getRandomValues(new Uint8Array(1))[0] ?? 0) % 20)));
  return Array.from(bytes, (byte) => alphabet[byte % alphabet.length]).join("");
}
