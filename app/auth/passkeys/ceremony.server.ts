// The WebAuthn checks, with no database: what the browser sent is parsed by @oslojs/webauthn
// (CBOR, authenticator data, client data) and every decision is made here, signatures by WebCrypto.
// The caller owns the challenge (made by the server, stored, consumed once) and the stored keys.
import { decodeCBORToNativeValue, decodeCBORToNativeValueNoLeftoverBytes } from "@oslojs/cbor";
import { decodeBase64urlIgnorePadding, encodeBase64urlNoPadding } from "@oslojs/encoding";
import {
  type AuthenticatorData,
  ClientDataType,
  COSEKeyType,
  COSEPublicKey,
  coseAlgorithmES256,
  coseAlgorithmRS256,
  coseEllipticCurveP256,
  createAssertionSignatureMessage,
  parseAuthenticatorData,
  parseClientDataJSON,
} from "@oslojs/webauthn";
import * as z from "zod/v4-mini";
import { formatAaguid } from "~/auth/passkeys/authenticator-names";

/** Why a ceremony was refused; never shown as such (the pages say one sentence), but audited and tested. */
export type CeremonyFailure =
  | "malformed"
  | "wrong_type"
  | "wrong_origin"
  | "wrong_rp_id"
  | "user_not_present"
  | "user_not_verified"
  | "unsupported_key"
  | "bad_signature"
  | "counter_went_back"
  | "wrong_user_handle";

export class CeremonyError extends Error {
  constructor(readonly reason: CeremonyFailure) {
    super(`WebAuthn ceremony refused: ${reason}`);
  }
}

/** Who the passkeys belong to: the site at APP_ORIGIN. Never derived from the request's Host. */
export type RelyingParty = { id: string; origin: string; name: string };

/** The algorithms offered at registration, best first (COSE ids): ES256, then RS256 (Windows Hello). */
export const SUPPORTED_ALGORITHMS = [coseAlgorithmES256, coseAlgorithmRS256] as const;

const base64url = z.string().check(z.regex(/^[A-Za-z0-9_-]+$/));

// The browser's PublicKeyCredential, as its toJSON() (or our few lines of client code) writes it.
const RegistrationResponse = z.object({
  id: base64url,
  type: z.literal("public-key"),
  response: z.object({
    clientDataJSON: base64url,
    attestationObject: base64url,
    transports: z.optional(z.array(z.string())),
  }),
});

const AuthenticationResponse = z.object({
  id: base64url,
  type: z.literal("public-key"),
  response: z.object({
    clientDataJSON: base64url,
    authenticatorData: base64url,
    signature: base64url,
    userHandle: z.nullish(base64url),
  }),
});

export type RegistrationResponseJSON = z.infer<typeof RegistrationResponse>;
export type AuthenticationResponseJSON = z.infer<typeof AuthenticationResponse>;

/** The transports the WebAuthn spec names; anything else a client sends is dropped. */
const TRANSPORTS = new Set(["ble", "cable", "hybrid", "internal", "nfc", "smart-card", "usb"]);

/** A credential's JSON as posted (a string), checked for shape; throws "malformed". */
export function parseRegistrationResponse(posted: unknown): RegistrationResponseJSON {
  return parseJson(RegistrationResponse, posted);
}

export function parseAuthenticationResponse(posted: unknown): AuthenticationResponseJSON {
  return parseJson(AuthenticationResponse, posted);
}

function parseJson<T>(schema: z.ZodMiniType<T>, posted: unknown): T {
  if (typeof posted !== "string") throw new CeremonyError("malformed");
  let value: unknown;
  try {
    value = JSON.parse(posted);
  } catch {
    throw new CeremonyError("malformed");
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new CeremonyError("malformed");
  return parsed.data;
}

/**
 * The challenge the client data carries, after checking its type and origin. The caller looks the
 * challenge up (and uses it up) before trusting anything else in the response; the checks below
 * repeat the type and origin checks, so each of them is complete on its own.
 */
export function challengeOf(clientDataJSON: string, type: "create" | "get", rp: RelyingParty): Uint8Array {
  const clientData = attempt(() => parseClientDataJSON(bytes(clientDataJSON)));
  if (clientData.type !== (type === "create" ? ClientDataType.Create : ClientDataType.Get)) {
    throw new CeremonyError("wrong_type");
  }
  // The origin the browser saw: a look-alike site relaying the ceremony shows up here (phishing).
  if (clientData.origin !== rp.origin || clientData.crossOrigin === true) throw new CeremonyError("wrong_origin");
  return clientData.challenge;
}

export type NewCredential = {
  id: string;
  publicKey: string;
  counter: number;
  aaguid: string;
  transports: string[];
};

/**
 * A registration's credential, once its authenticator data is for this relying party, with the
 * user present and verified and a key we can check. Attestation is "none": the statement, whatever
 * its format, is not evaluated, so no attestation root is ever trusted.
 */
export async function checkRegistration(response: RegistrationResponseJSON, rp: RelyingParty): Promise<NewCredential> {
  challengeOf(response.response.clientDataJSON, "create", rp);
  const authData = attempt(() => authenticatorDataOfAttestation(bytes(response.response.attestationObject)));
  const parsed = attempt(() => parseAuthenticatorData(authData));
  await checkFlags(parsed, rp);
  const credential = parsed.credential;
  if (!credential) throw new CeremonyError("malformed");
  const id = encodeBase64urlNoPadding(credential.id);
  if (id !== response.id || credential.id.byteLength > 1023) throw new CeremonyError("malformed");
  // Prove the key is one we can verify with before storing it.
  await verifierFor(credential.publicKey);
  return {
    id,
    publicKey: encodeBase64urlNoPadding(coseKeyBytes(authData, credential.id.byteLength)),
    counter: parsed.signatureCounter,
    aaguid: formatAaguid(credential.authenticatorAAGUID),
    transports: (response.response.transports ?? []).filter((transport) => TRANSPORTS.has(transport)).slice(0, 8),
  };
}

export type StoredCredential = { publicKey: string; counter: number; userHandle: string | null };

/**
 * An assertion by a stored credential: this relying party, the user present and verified, a valid
 * signature over the authenticator data and the client data, and a signature counter that moved
 * forward (a clone of the key would replay an old one). Returns the new counter.
 */
export async function checkAssertion(
  response: AuthenticationResponseJSON,
  stored: StoredCredential,
  rp: RelyingParty,
): Promise<{ counter: number }> {
  challengeOf(response.response.clientDataJSON, "get", rp);
  const authenticatorData = bytes(response.response.authenticatorData);
  const parsed = attempt(() => parseAuthenticatorData(authenticatorData));
  await checkFlags(parsed, rp);
  // A discoverable credential names its user; it must be the one the credential belongs to.
  const handle = response.response.userHandle;
  if (handle && handle !== stored.userHandle) throw new CeremonyError("wrong_user_handle");
  const key = attempt(() => coseKey(decodeCBORToNativeValueNoLeftoverBytes(bytes(stored.publicKey), 4)));
  const verify = await verifierFor(key);
  const clientDataJSON = bytes(response.response.clientDataJSON);
  const message = createAssertionSignatureMessage(authenticatorData, clientDataJSON);
  if (!(await verify(bytes(response.response.signature), message))) throw new CeremonyError("bad_signature");
  // Authenticators without a counter (most synced passkeys) always send 0; any other must grow.
  const counter = parsed.signatureCounter;
  if ((counter !== 0 || stored.counter !== 0) && counter <= stored.counter) {
    throw new CeremonyError("counter_went_back");
  }
  return { counter };
}

async function checkFlags(parsed: AuthenticatorData, rp: RelyingParty): Promise<void> {
  const expected = new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(rp.id)));
  if (!equalBytes(parsed.relyingPartyIdHash, expected)) throw new CeremonyError("wrong_rp_id");
  if (!parsed.userPresent) throw new CeremonyError("user_not_present");
  // UV makes the passkey two factors in one gesture: it is why no code is asked after it.
  if (!parsed.userVerified) throw new CeremonyError("user_not_verified");
}

function coseKey(decoded: unknown): COSEPublicKey {
  if (typeof decoded !== "object" || decoded === null) throw new CeremonyError("malformed");
  return new COSEPublicKey(decoded);
}

type Verify = (signature: Uint8Array, message: Uint8Array) => Promise<boolean>;

/** A WebCrypto verifier for a COSE key: ES256 on P-256, or RS256. Anything else is refused. */
async function verifierFor(key: COSEPublicKey): Promise<Verify> {
  const algorithm = attempt(() => key.algorithm());
  const type = attempt(() => key.type());
  if (algorithm === coseAlgorithmES256 && type === COSEKeyType.EC2) {
    const { curve, x, y } = attempt(() => key.ec2());
    if (curve !== coseEllipticCurveP256) throw new CeremonyError("unsupported_key");
    const point = new Uint8Array([4, ...bigIntBytes(x, 32), ...bigIntBytes(y, 32)]);
    const cryptoKey = await crypto.subtle
      .importKey("raw", point, { name: "ECDSA", namedCurve: "P-256" }, false, ["verify"])
      .catch(() => {
        throw new CeremonyError("unsupported_key");
      });
    return async (signature, message) => {
      const raw = rawEcdsaSignature(signature);
      return raw !== null && crypto.subtle.verify({ name: "ECDSA", hash: "SHA-256" }, cryptoKey, raw, copy(message));
    };
  }
  if (algorithm === coseAlgorithmRS256 && type === COSEKeyType.RSA) {
    const { n, e } = attempt(() => key.rsa());
    const jwk = {
      kty: "RSA",
      n: encodeBase64urlNoPadding(bigIntBytes(n)),
      e: encodeBase64urlNoPadding(bigIntBytes(e)),
    };
    const cryptoKey = await crypto.subtle
      .importKey("jwk", jwk, { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256" }, false, ["verify"])
      .catch(() => {
        throw new CeremonyError("unsupported_key");
      });
    return (signature, message) => crypto.subtle.verify("RSASSA-PKCS1-v1_5", cryptoKey, copy(signature), copy(message));
  }
  throw new CeremonyError("unsupported_key");
}

/**
 * WebAuthn's ECDSA signatures are DER (SEQUENCE of two INTEGERs); WebCrypto wants r‖s, 32 bytes
 * each. Null for anything that is not exactly that shape.
 */
export function rawEcdsaSignature(der: Uint8Array): Uint8Array<ArrayBuffer> | null {
  if (der[0] !== 0x30 || der[1] !== der.length - 2) return null;
  const out = new Uint8Array(64);
  let offset = 2;
  for (const half of [0, 32]) {
    if (der[offset] !== 0x02) return null;
    const length = der[offset + 1] ?? 0;
    let integer = der.subarray(offset + 2, offset + 2 + length);
    if (integer.length !== length || length === 0) return null;
    while (integer.length > 32 && integer[0] === 0) integer = integer.subarray(1);
    if (integer.length > 32) return null;
    out.set(integer, half + 32 - integer.length);
    offset += 2 + length;
  }
  return offset === der.length ? out : null;
}

/** The authenticator data inside an attestation object (a CBOR map with fmt, attStmt, authData). */
function authenticatorDataOfAttestation(attestationObject: Uint8Array): Uint8Array {
  const decoded = decodeCBORToNativeValueNoLeftoverBytes(attestationObject, 4) as Record<string, unknown>;
  const authData = decoded.authData;
  if (!(authData instanceof Uint8Array) || typeof decoded.fmt !== "string") throw new Error("no authData");
  return authData;
}

// Authenticator data: rpIdHash (32), flags (1), counter (4), then the attested credential data:
// AAGUID (16), id length (2), id, and the COSE key, which is stored byte for byte as the authenticator sent it.
const CREDENTIAL_ID_OFFSET = 32 + 1 + 4 + 16 + 2;

function coseKeyBytes(authData: Uint8Array, idLength: number): Uint8Array {
  const start = CREDENTIAL_ID_OFFSET + idLength;
  const [, size] = decodeCBORToNativeValue(authData.subarray(start), 4);
  return authData.slice(start, start + size);
}

function bytes(base64urlText: string): Uint8Array {
  return attempt(() => decodeBase64urlIgnorePadding(base64urlText));
}

/** Runs a parser; whatever it throws becomes "malformed" (no parser message reaches a page or a log). */
function attempt<T>(parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    if (error instanceof CeremonyError) throw error;
    throw new CeremonyError("malformed");
  }
}

function bigIntBytes(value: bigint, length?: number): Uint8Array {
  let hex = value.toString(16);
  if (hex.length % 2) hex = `0${hex}`;
  if (length !== undefined) hex = hex.padStart(length * 2, "0");
  return Uint8Array.from(hex.match(/../g) ?? [], (pair) => Number.parseInt(pair, 16));
}

/** WebCrypto's types want bytes over a plain ArrayBuffer. */
function copy(view: Uint8Array): Uint8Array<ArrayBuffer> {
  return new Uint8Array(view);
}

function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.byteLength === b.byteLength && a.every((byte, i) => byte === b[i]);
}
