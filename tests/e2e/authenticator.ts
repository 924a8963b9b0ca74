// Chromium's virtual authenticator (the DevTools protocol's WebAuthn domain) for the browser tests
// that need a passkey: a platform authenticator (CTAP2, internal transport, resident keys) that
// verifies the user at once, standing in for a fingerprint reader.
import type { BrowserContext, CDPSession, Page } from "playwright-core";
import { baseURL } from "./support";

// The relying party is APP_ORIGIN's host, which `npm start` makes `localhost`; WebAuthn refuses an
// IP address as an rp id, so these pages are opened on localhost (a secure context over http).
export const onLocalhost = { baseURL: baseURL.replace("127.0.0.1", "localhost") };

/** A page of `context` with a virtual platform authenticator attached. */
export async function withAuthenticator(context: BrowserContext): Promise<{ page: Page; cdp: CDPSession; id: string }> {
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send("WebAuthn.enable", { enableUI: false });
  const { authenticatorId } = await cdp.send("WebAuthn.addVirtualAuthenticator", {
    options: {
      protocol: "ctap2",
      transport: "internal",
      hasResidentKey: true,
      hasUserVerification: true,
      isUserVerified: true,
      automaticPresenceSimulation: true,
    },
  });
  return { page, cdp, id: authenticatorId };
}
