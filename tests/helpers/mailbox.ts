// Reading the emails the app sent through the simulated send_email binding (tests/setup/mailbox.ts).
import { env } from "cloudflare:workers";
import { TestBrowser } from "./browser";

export type Mailbox = { texts: string[]; htmls: string[] };

/** Every message part sent to `address` in this run (only those with `subject`, when given), oldest first. */
export async function mailTo(address: string, subject?: string): Promise<Mailbox> {
  const response = await env.MAILBOX.fetch("http://mailbox/", {
    method: "POST",
    body: JSON.stringify({ to: address, subject }),
  });
  if (!response.ok) throw new Error(`mailbox: ${response.status}`);
  return response.json();
}

const RESET_LINK = /https?:\/\/[^\s"<>]+\/reset-password\/\?token=[A-Za-z0-9_-]+/g;
const ADDRESS_LINK = /https?:\/\/[^\s"<>]+\/verify-email\/\?token=[A-Za-z0-9_-]+/g;

/** The reset links in the text parts sent to `address`, oldest first. */
export async function resetLinksTo(address: string): Promise<string[]> {
  const { texts } = await mailTo(address);
  return texts.flatMap((text) => text.match(RESET_LINK) ?? []);
}

/** The newest reset link sent to `address`; throws when there is none. */
export async function newestResetLink(address: string): Promise<URL> {
  const link = (await resetLinksTo(address)).at(-1);
  if (!link) throw new Error(`no reset link was sent to ${address}`);
  return new URL(link);
}

/** Asks for a reset link for `address` through the form, as a browser of its own, and returns the link sent. */
export async function askForResetLink(address: string): Promise<URL> {
  const asker = new TestBrowser({ awaitBackgroundWork: true });
  await asker.get("/forgot-password/");
  await asker.post("/forgot-password/", { email: address });
  return newestResetLink(address);
}

/** The /verify-email/ links in the text parts with `subject` sent to `address`, oldest first. */
export async function addressLinksTo(
  address: string,
  subject: "Confirm your email address" | "Confirm your new email address",
): Promise<string[]> {
  const { texts } = await mailTo(address, subject);
  return texts.flatMap((text) => text.match(ADDRESS_LINK) ?? []);
}

/** The newest /verify-email/ link with `subject` sent to `address`; throws when there is none. */
export async function newestAddressLink(
  address: string,
  subject: "Confirm your email address" | "Confirm your new email address" = "Confirm your email address",
): Promise<URL> {
  const link = (await addressLinksTo(address, subject)).at(-1);
  if (!link) throw new Error(`no "${subject}" link was sent to ${address}`);
  return new URL(link);
}
