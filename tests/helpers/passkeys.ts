// The passkey pages' scripts, done by hand: ask the server for options, let the software
// authenticator answer as the browser would, post the credential with the page's CSRF token.
import { type Ceremony, SoftwareAuthenticator } from "./authenticator";
import { type Fields, ORIGIN, TestBrowser } from "./browser";
import { countedPost } from "./round-trips";

export const RP_ID = "localhost";

export type AssertionChange = Partial<Parameters<SoftwareAuthenticator["assert"]>[0]>;

export type JsonAnswer = { status: number; body: Record<string, unknown> };

export async function postForJson(browser: TestBrowser, path: string, fields: Fields = {}): Promise<JsonAnswer> {
  const { response, html } = await browser.post(path, fields);
  let body: Record<string, unknown> = {};
  try {
    body = JSON.parse(html);
  } catch {
    body = { notJson: html.slice(0, 200) };
  }
  return { status: response.status, body };
}

/** A browser signed in through the login form whose requests wait for the emails they send. */
export async function signedInMailingBrowser(user: Fields): Promise<TestBrowser> {
  const browser = new TestBrowser({ awaitBackgroundWork: true });
  await browser.get("/login/");
  const { response } = await browser.post("/login/", { email: user.email ?? "", password: user.password ?? "" });
  if (response.status !== 303) throw new Error(`login failed with ${response.status}`);
  await browser.get("/account/passkeys/");
  return browser;
}

/** "Add a passkey" as the page's script does it; `change` tampers with what the authenticator sends. */
export async function addPasskeyThroughPage(
  browser: TestBrowser,
  authenticator = new SoftwareAuthenticator(),
  change: Partial<Ceremony> = {},
): Promise<JsonAnswer> {
  const options = await postForJson(browser, "/account/passkeys/options/");
  if (options.status !== 200) return options;
  const { challenge, user } = options.body as { challenge: string; user: { id: string } };
  const credential = await authenticator.register({
    challenge,
    origin: ORIGIN,
    rpId: RP_ID,
    userHandle: user.id,
    ...change,
  });
  return postForJson(browser, "/account/passkeys/new/", { credential: JSON.stringify(credential) });
}

/** The authenticator's answer to this site's `challenge` (tampered with by `change`), as the JSON the page posts. */
export async function assertionFor(
  authenticator: SoftwareAuthenticator,
  challenge: unknown,
  change: AssertionChange = {},
): Promise<string> {
  return JSON.stringify(
    await authenticator.assert({ challenge: String(challenge), origin: ORIGIN, rpId: RP_ID, ...change }),
  );
}

/** A sign-in or confirmation as the page's script runs it, with both POSTs' D1 round trips counted. */
export async function countedCeremony(
  browser: TestBrowser,
  authenticator: SoftwareAuthenticator,
  paths: { options: string; answer: string },
  fields: Fields = {},
) {
  const options = await countedPost(browser, paths.options);
  const credential = await assertionFor(authenticator, JSON.parse(options.text).challenge);
  return { options, answer: await countedPost(browser, paths.answer, { credential, ...fields }) };
}
