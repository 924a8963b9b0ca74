// Reading the emails the app sent, as a developer does on `npm start`: the simulated send_email
// binding logs `send_email binding called with …` and the paths of the files it wrote (text and
// HTML parts for the builder form; one .eml for a raw message), and the test opens those files.
// Tolerant of the log's wording and layout across wrangler versions: a message is any marker with
// the file paths after it, and it is "to" an address when its log block or its files name it.
import { readFileSync } from "node:fs";
import { inject } from "vitest";

const MARKER = "send_email binding called with";
// biome-ignore lint/suspicious/noControlCharactersInRegex: ANSI colour codes are what it removes.
const ANSI = /\u001b\[[0-9;]*m/g;
const FILE_PATH = /(\/[^\s"'<>]+\.(?:txt|html|eml))\b/g;

export type SentMessage = { log: string; parts: string[] };

/** Every message the server has logged as sent, oldest first. */
function sentMessages(): SentMessage[] {
  const log = readFileSync(inject("serverLog"), "utf8").replace(ANSI, "");
  return log
    .split(MARKER)
    .slice(1)
    .map((block) => {
      // A block ends where the next log line of wrangler's own begins.
      const own = block.split(/\n(?=\[wrangler|\{"time")/)[0] ?? block;
      const parts = [...own.matchAll(FILE_PATH)].map((match) => decodeMime(readFileSync(match[1] ?? "", "utf8")));
      return { log: own, parts };
    });
}

/** Undoes quoted-printable soft breaks and `=3D`, in case the part is a raw MIME message. */
function decodeMime(text: string): string {
  return text.replace(/=\r?\n/g, "").replaceAll("=3D", "=");
}

export function messagesTo(address: string): SentMessage[] {
  return sentMessages().filter((message) => [message.log, ...message.parts].some((part) => part.includes(address)));
}

const RESET_LINK = /https?:\/\/[^\s"<>]+\/reset-password\/\?token=[A-Za-z0-9_-]+/;

/** Waits (the email goes out after the response) for the newest reset link sent to `address`. */
export function waitForResetLink(address: string, after = 0, timeoutMs = 15_000): Promise<string> {
  return waitForLink(address, RESET_LINK, after, timeoutMs);
}

const ADDRESS_LINK = /https?:\/\/[^\s"<>]+\/verify-email\/\?token=[A-Za-z0-9_-]+/;

/** Waits for the newest link to confirm an email address sent to `address` (past `after` such messages). */
export function waitForAddressLink(address: string, after = 0): Promise<string> {
  return waitForLink(address, ADDRESS_LINK, after);
}

/**
 * Waits until more than `after` messages with a link matching `pattern` have been sent to `address`;
 * returns the newest link. (A message counts once, though its text and HTML parts both carry it.)
 */
async function waitForLink(address: string, pattern: RegExp, after = 0, timeoutMs = 15_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const links = messagesTo(address)
      .map((message) => message.parts.map((part) => pattern.exec(part)?.[0]).find((link) => link !== undefined))
      .filter((link): link is string => link !== undefined);
    if (links.length > after) return links.at(-1) ?? "";
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`no link like ${pattern} for ${address} in the server log within ${timeoutMs} ms`);
}

/** The HTML parts sent to `address` whose <title> (each email's subject) is `subject`, oldest first. */
function htmlPartsTo(address: string, subject: string): string[] {
  return messagesTo(address)
    .flatMap((message) => message.parts)
    .filter((part) => /^\s*<!doctype html>/i.test(part) && part.includes(`<title>${subject}</title>`));
}

/** Waits (the email goes out after the response) for the newest HTML part with `subject` sent to `address`. */
export async function waitForHtmlPart(address: string, subject: string, timeoutMs = 15_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const found = htmlPartsTo(address, subject).at(-1);
    if (found) return found;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`no "${subject}" email with an HTML part for ${address} within ${timeoutMs} ms`);
}
