// The test's mailbox: Miniflare's simulated `send_email` binding keeps every message it is given in
// its local email store (a SQLite-backed Durable Object under <tmpdir>/miniflare-*/email-store/,
// what the Local Explorer shows). This runs in the Node process that hosts Miniflare (bound as the
// `MAILBOX` service in vitest.config.ts) and reads that store, so a test inside workerd can read
// what the real binding was given. Nothing stands in for the binding.
import { readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { type Request, Response } from "miniflare";

/** Only this run's messages: other runs on the machine leave their own folders in the temp dir. */
const startedAt = new Date().toISOString();

type SentEmail = { to: string[]; subject?: string; text?: string; html?: string };

function sentEmails(): SentEmail[] {
  const emails: { createdAt: string; email: SentEmail }[] = [];
  for (const entry of readdirSync(tmpdir())) {
    if (!entry.startsWith("miniflare-")) continue;
    const dir = join(tmpdir(), entry, "email-store", "miniflare-email-store");
    let names: string[];
    try {
      names = readdirSync(dir).filter((name) => name.endsWith(".sqlite") && name !== "metadata.sqlite");
    } catch {
      continue; // This Miniflare has no email store.
    }
    for (const name of names) {
      let rows: { created_at: string; data: string }[];
      try {
        // Waits out a writer's lock; a store another run is creating or deleting right now is skipped.
        const db = new DatabaseSync(join(dir, name), { readOnly: true, timeout: 2000 });
        try {
          rows = db
            .prepare("SELECT created_at, data FROM emails WHERE kind = 'sent' AND created_at >= ? ORDER BY seq")
            .all(startedAt) as { created_at: string; data: string }[];
        } finally {
          db.close();
        }
      } catch {
        continue;
      }
      for (const row of rows) emails.push({ createdAt: row.created_at, email: JSON.parse(row.data) });
    }
  }
  return emails.sort((a, b) => a.createdAt.localeCompare(b.createdAt)).map(({ email }) => email);
}

/** POST {to, subject?}: the text and HTML parts of every message (with that subject) sent to the address this run, oldest first. */
export async function mailboxService(request: Request): Promise<Response> {
  const { to, subject } = (await request.json()) as { to: string; subject?: string };
  const mine = sentEmails().filter(
    (email) => email.to.includes(to) && (subject === undefined || email.subject === subject),
  );
  return Response.json({
    texts: mine.flatMap((email) => (email.text ? [email.text] : [])),
    htmls: mine.flatMap((email) => (email.html ? [email.html] : [])),
  });
}
