// A software authenticator of our own, for the ceremony tests: ES256 keys made with WebCrypto, an
// attestation object of format "none", and assertions whose flags (UP, UV), counter, origin and rp id
// a test can set to anything, including what a real authenticator would never send. Its CBOR encoder
// and DER writer are written here from the specs (RFC 8949, X.690), independent of the app's parser.

type CborValue = number | string | Uint8Array | CborValue[] | Map<number | string, CborValue>;

function head(major: number, length: number): number[] {
  if (length < 24) return [(major << 5) | length];
  if (length < 0x100) return [(major << 5) | 24, length];
  if (length < 0x10000) return [(major << 5) | 25, length >> 8, length & 0xff];
  return [(major << 5) | 26, (length >>> 24) & 0xff, (length >> 16) & 0xff, (length >> 8) & 0xff, length & 0xff];
}

function cbor(value: CborValue): Uint8Array {
  if (typeof value === "number") return new Uint8Array(value >= 0 ? head(0, value) : head(1, -1 - value));
  if (typeof value === "string") {
    const text = new TextEncoder().encode(value);
    return concat(new Uint8Array(head(3, text.length)), text);
  }
  if (value instanceof Uint8Array) return concat(new Uint8Array(head(2, value.length)), value);
  if (Array.isArray(value)) return concat(new Uint8Array(head(4, value.length)), ...value.map(cbor));
  const entries = [...value.entries()].flatMap(([key, item]) => [cbor(key), cbor(item)]);
  return concat(new Uint8Array(head(5, value.size)), ...entries);
}

function concat(...parts: Uint8Array[]): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

export function b64url(bytes: Uint8Array): string {
  return btoa(String.fromCharCode(...bytes))
    .replaceAll("+", "-")
    .replaceAll("/", "_")
    .replace(/=+$/, "");
}
async function sha256(bytes: Uint8Array): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.digest("SHA-256", new Uint8Array(bytes)));
}

/** WebCrypto signs ECDSA as r‖s; WebAuthn carries it as DER: SEQUENCE { INTEGER r, INTEGER s }. */
function derSignature(raw: Uint8Array): Uint8Array {
  const integer = (half: Uint8Array) => {
    let start = 0;
    while (start < half.length - 1 && half[start] === 0) start++;
    let body = half.subarray(start);
    if ((body[0] ?? 0) & 0x80) body = concat(new Uint8Array([0]), body);
    return concat(new Uint8Array([0x02, body.length]), body);
  };
  const body = concat(integer(raw.subarray(0, 32)), integer(raw.subarray(32)));
  return concat(new Uint8Array([0x30, body.length]), body);
}

const FLAG_UP = 0x01;
const FLAG_UV = 0x04;
const FLAG_AT = 0x40;

export type Ceremony = {
  /** The challenge from the server's options (base64url). */
  challenge: string;
  /** The origin the "browser" reports in the client data. */
  origin: string;
  /** The rp id whose SHA-256 goes into the authenticator data. */
  rpId: string;
  userPresent?: boolean;
  userVerified?: boolean;
  /** Overrides the client data's type ("webauthn.create" / "webauthn.get"). */
  type?: string;
};

type Credential = { id: Uint8Array; keys: CryptoKeyPair; userHandle: string; counter: number };

const TEST_AAGUID = "ea9b8d66-4d01-1d21-3ce4-b6b48cb575d4"; // Google Password Manager's

export class SoftwareAuthenticator {
  readonly credentials: Credential[] = [];

  constructor(
    /** The AAGUID it reports at registration. */
    readonly aaguid = TEST_AAGUID,
    /** Counts signatures (like a security key) or always sends 0 (like most synced passkeys). */
    readonly counts = true,
  ) {}

  /** navigator.credentials.create(), as the browser would answer it (the JSON the page posts). */
  async register(ceremony: Ceremony & { userHandle: string; credentialId?: Uint8Array }) {
    const keys = (await crypto.subtle.generateKey({ name: "ECDSA", namedCurve: "P-256" }, true, [
      "sign",
      "verify",
    ])) as CryptoKeyPair;
    const point = new Uint8Array((await crypto.subtle.exportKey("raw", keys.publicKey)) as ArrayBuffer);
    const coseKey = cbor(
      new Map<number, CborValue>([
        [1, 2],
        [3, -7],
        [-1, 1],
        [-2, point.subarray(1, 33)],
        [-3, point.subarray(33)],
      ]),
    );
    const id = ceremony.credentialId ?? crypto.getRandomValues(new Uint8Array(16));
    const credential: Credential = { id, keys, userHandle: ceremony.userHandle, counter: 0 };
    this.credentials.push(credential);
    const aaguid = fromHex(this.aaguid.replaceAll("-", ""));
    const attested = concat(aaguid, new Uint8Array([id.length >> 8, id.length & 0xff]), id, coseKey);
    const authData = await this.authenticatorData(ceremony, credential, FLAG_AT, attested);
    const attestationObject = cbor(
      new Map<string, CborValue>([
        ["fmt", "none"],
        ["attStmt", new Map()],
        ["authData", authData],
      ]),
    );
    return {
      id: b64url(id),
      rawId: b64url(id),
      type: "public-key",
      response: {
        clientDataJSON: b64url(clientData(ceremony, "webauthn.create")),
        attestationObject: b64url(attestationObject),
        transports: ["internal", "hybrid"],
      },
      clientExtensionResults: {},
    };
  }

  /** navigator.credentials.get() with a credential of ours (the newest unless one is named). */
  async assert(ceremony: Ceremony & { credential?: Credential; counter?: number }) {
    const credential = ceremony.credential ?? this.credentials.at(-1);
    if (!credential) throw new Error("this authenticator holds no credential");
    const authData = await this.authenticatorData(ceremony, credential, 0, new Uint8Array(0), ceremony.counter);
    const clientDataJSON = clientData(ceremony, "webauthn.get");
    const signed = concat(authData, await sha256(clientDataJSON));
    const raw = new Uint8Array(
      await crypto.subtle.sign({ name: "ECDSA", hash: "SHA-256" }, credential.keys.privateKey, signed),
    );
    return {
      id: b64url(credential.id),
      rawId: b64url(credential.id),
      type: "public-key",
      response: {
        clientDataJSON: b64url(clientDataJSON),
        authenticatorData: b64url(authData),
        signature: b64url(derSignature(raw)),
        userHandle: credential.userHandle,
      },
      clientExtensionResults: {},
    };
  }

  private async authenticatorData(
    ceremony: Ceremony,
    credential: Credential,
    extraFlags: number,
    attested: Uint8Array,
    counterOverride?: number,
  ): Promise<Uint8Array> {
    if (this.counts && counterOverride === undefined) credential.counter += 1;
    const counter = counterOverride ?? (this.counts ? credential.counter : 0);
    const flags =
      ((ceremony.userPresent ?? true) ? FLAG_UP : 0) | ((ceremony.userVerified ?? true) ? FLAG_UV : 0) | extraFlags;
    const counterBytes = new Uint8Array([
      (counter >>> 24) & 0xff,
      (counter >> 16) & 0xff,
      (counter >> 8) & 0xff,
      counter & 0xff,
    ]);
    return concat(
      await sha256(new TextEncoder().encode(ceremony.rpId)),
      new Uint8Array([flags]),
      counterBytes,
      attested,
    );
  }
}

function clientData(ceremony: Ceremony, type: string): Uint8Array {
  const json = {
    type: ceremony.type ?? type,
    challenge: ceremony.challenge,
    origin: ceremony.origin,
    crossOrigin: false,
  };
  return new TextEncoder().encode(JSON.stringify(json));
}

function fromHex(hex: string): Uint8Array {
  return Uint8Array.from(hex.match(/../g) ?? [], (pair) => Number.parseInt(pair, 16));
}
