// The browser side of passkeys: a few lines around navigator.credentials, loaded only by the pages
// that use it (a dynamic import), instead of a library: the login page's JS has a budget. The server
// sends options as JSON with base64url strings; WebAuthn wants bytes; the answer goes back as JSON.
// Every POST carries the page's CSRF token, as a form field like every other POST of the site.

type Json = Record<string, unknown>;

function toBytes(base64url: string): ArrayBuffer {
  const text = atob(base64url.replaceAll("-", "+").replaceAll("_", "/"));
  return Uint8Array.from(text, (char) => char.charCodeAt(0)).buffer;
}

function toBase64url(buffer: ArrayBuffer): string {
  return btoa(String.fromCharCode(...new Uint8Array(buffer)))
    .replaceAll("+", "-")
    .replaceAll("/", "_")
    .replace(/=+$/, "");
}

type Descriptor = { id: string; type: "public-key"; transports?: AuthenticatorTransport[] };

/** The server's options with the challenge and the listed credentials' ids as the bytes WebAuthn wants. */
function withBytes(options: Json, list: "excludeCredentials" | "allowCredentials") {
  const credentials = (options[list] as Descriptor[] | undefined) ?? [];
  return {
    ...options,
    challenge: toBytes(options.challenge as string),
    [list]: credentials.map((item) => ({ ...item, id: toBytes(item.id) })),
  };
}

/** The credential as the JSON the server reads: its id and type, and the response's fields in base64url. */
function toJson(credential: PublicKeyCredential, response: Record<string, unknown>): string {
  return JSON.stringify({ id: credential.id, type: credential.type, response });
}

/**
 * A step of a ceremony: POSTs the fields and reads the answer. A redirect in it is followed (null comes
 * back: the signed-out browser goes to sign in, the finished ceremony on to its page); an error answer
 * is thrown with its message (else `failed`); otherwise the JSON (the options) comes back.
 */
export async function exchange(url: string, csrf: string, failed: string, fields: Record<string, string> = {}) {
  const response = await fetch(url, {
    method: "POST",
    body: new URLSearchParams({ csrf, ...fields }),
    headers: { Accept: "application/json" },
  });
  // Non-JSON answers (a 413 page) count as errors.
  const body = (await response.json().catch(() => ({}))) as Json;
  if (typeof body.redirect === "string") {
    window.location.assign(body.redirect);
    return null;
  }
  if (!response.ok) throw new Error(String(body.error ?? failed));
  return body;
}

/** The last step of a ceremony: the server answers with where to go next; any other answer is a failure. */
export async function finish(url: string, csrf: string, failed: string, fields: Record<string, string>) {
  if (await exchange(url, csrf, failed, fields)) throw new Error(failed);
}

/** What to tell the user of a failed ceremony: the server's message, or `failed`. */
export function messageOf(caught: unknown, failed: string): string {
  return caught instanceof Error && caught.message ? caught.message : failed;
}

/**
 * navigator.credentials.create() with the server's options; the credential as JSON for the server.
 * @public (called through usePasskeyCeremony's `webauthn`, which knip cannot follow)
 */
export async function createPasskey(options: Json): Promise<string> {
  const user = options.user as { id: string; name: string; displayName: string };
  const publicKey = { ...withBytes(options, "excludeCredentials"), user: { ...user, id: toBytes(user.id) } };
  const credential = (await navigator.credentials.create({
    publicKey: publicKey as unknown as PublicKeyCredentialCreationOptions,
  })) as PublicKeyCredential;
  const response = credential.response as AuthenticatorAttestationResponse;
  return toJson(credential, {
    clientDataJSON: toBase64url(response.clientDataJSON),
    attestationObject: toBase64url(response.attestationObject),
    transports: response.getTransports?.() ?? [],
  });
}

/**
 * navigator.credentials.get() with the server's options. `conditional`: the browser offers passkeys
 * in the email field's autofill instead of a dialog (and waits until one is picked, or `signal` aborts).
 */
export async function getPasskey(options: Json, conditional: boolean, signal?: AbortSignal): Promise<string> {
  const credential = (await navigator.credentials.get({
    mediation: conditional ? "conditional" : "optional",
    signal,
    publicKey: withBytes(options, "allowCredentials") as unknown as PublicKeyCredentialRequestOptions,
  })) as PublicKeyCredential;
  const response = credential.response as AuthenticatorAssertionResponse;
  return toJson(credential, {
    clientDataJSON: toBase64url(response.clientDataJSON),
    authenticatorData: toBase64url(response.authenticatorData),
    signature: toBase64url(response.signature),
    userHandle: response.userHandle ? toBase64url(response.userHandle) : null,
  });
}

/** Whether the browser can offer passkeys in autofill (conditional mediation). */
export async function supportsAutofill(): Promise<boolean> {
  return Boolean(await globalThis.PublicKeyCredential?.isConditionalMediationAvailable?.().catch(() => false));
}

/** The user dismissed the browser's dialog, or it timed out: not an error worth a message. */
export function wasCancelled(error: unknown): boolean {
  return error instanceof DOMException && (error.name === "NotAllowedError" || error.name === "AbortError");
}
