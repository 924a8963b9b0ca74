// The test's mailbox: Miniflare's simulated `send_email` binding writes each message's parts to
// files under its temp folder (<tmpdir>/miniflare-*/files/email-text/*.txt, email-html/*.html; the
// raw form to email/*.eml) and logs their paths at a level vitest-pool-workers does not print.
// This runs in the Node process that hosts Miniflare (bound as the `MAILBOX` service in
// vitest.config.ts) and reads those files back, so a test inside workerd can read what the real
// binding was given. Nothing stands in for the binding.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Request, Response } from "miniflare";

/** Only this run's messages: other runs on the machine leave their own folders in the temp dir. */
const startedAt = Date.now();

const PARTS = { text: ["email-text", "email"], html: ["email-html"] } as const;

type Part = { path: string; body: string; writtenAt: number };

function partsOf(kind: keyof typeof PARTS): Part[] {
  const parts: Part[] = [];
  for (const entry of readdirSync(tmpdir())) {
    if (!entry.startsWith("miniflare-")) continue;
    for (const folder of PARTS[kind]) {
      const dir = join(tmpdir(), entry, "files", folder);
      let names: string[];
      try {
        names = readdirSync(dir);
      } catch {
        continue; // This Miniflare has sent nothing of that kind.
      }
      for (const name of names) {
        const path = join(dir, name);
        const writtenAt = statSync(path).mtimeMs;
        if (writtenAt >= startedAt) parts.push({ path, body: readFileSync(path, "utf8"), writtenAt });
      }
    }
  }
  return parts.sort((a, b) => a.writtenAt - b.writtenAt);
}

/** POST {to}: every text and HTML part sent this run that names the address, oldest first. */
export async function mailboxService(request: Request): Promise<Response> {
  const { to } = (await request.json()) as { to: string };
  const naming = (part: Part) => part.body.includes(to);
  return Response.json({
    texts: partsOf("text")
      .filter(naming)
      .map((part) => part.body),
    htmls: partsOf("html")
      .filter(naming)
      .map((part) => part.body),
  });
}
