// The WebAuthn ceremonies inside workerd, with the software authenticator of tests/helpers and the
// real D1: what a good registration stores, and each way a response must be refused (docs/security.md
// "Passkeys"). The clock is the tests' own: the module takes `now`, so "six minutes later" is exact.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import {
  CeremonyError,
  type CeremonyFailure,
  checkAssertion,
  parseAuthenticationResponse,
  rawEcdsaSignature,
} from "~/auth/passkeys/ceremony.server";
import {
  addPasskey,
  listPasskeys,
  registrationOptions,
  relyingParty,
  removePasskey,
} from "~/auth/passkeys/passkeys.server";
import { getDbOutsideRequest } from "~/database/db.server";
import { b64url, SoftwareAuthenticator } from "../../helpers/authenticator";
import { registerThroughForm } from "../../helpers/browser";
import { userByEmail } from "../../helpers/db";

const rp = relyingParty(env);
const db = getDbOutsideRequest(env);

async function newAccount() {
  const fields = await registerThroughForm();
  const row = await userByEmail(fields.email ?? "");
  if (!row) throw new Error("no user");
  return { id: row.id, email: row.email, firstName: row.first_name, lastName: row.last_name };
}

async function optionsFor(user: Awaited<ReturnType<typeof newAccount>>, now = new Date()) {
  const result = await registrationOptions(db, rp, user, now);
  if (!result.ok) throw new Error("no options");
  return result.options;
}

/** A user with one passkey registered through the real module, and what the authenticator made. */
async function accountWithPasskey(authenticator = new SoftwareAuthenticator()) {
  const user = await newAccount();
  const options = await optionsFor(user);
  const response = await authenticator.register({
    challenge: options.challenge,
    origin: rp.origin,
    rpId: rp.id,
    userHandle: options.user.id,
  });
  expect(await addPasskey(db, rp, user.id, JSON.stringify(response))).toEqual({
    ok: true,
    name: "Google Password Manager",
  });
  const stored = await env.DB.prepare("SELECT * FROM passkeys WHERE id = ?").bind(response.id).first<{
    public_key: string;
    counter: number;
  }>();
  if (!stored) throw new Error("not stored");
  return { user, authenticator, userHandle: options.user.id, stored, credentialId: response.id };
}

async function refusal(promise: Promise<unknown>): Promise<CeremonyFailure | "accepted"> {
  try {
    await promise;
    return "accepted";
  } catch (error) {
    if (error instanceof CeremonyError) return error.reason;
    throw error;
  }
}

describe("registration options", () => {
  it("are for the rp id from APP_ORIGIN, require a resident key and UV, ask for no attestation, and carry a random user handle", async () => {
    const user = await newAccount();
    const options = await optionsFor(user);
    expect(options.rp).toEqual({ id: "localhost", name: "Edge Auth" });
    expect(options.authenticatorSelection).toEqual({
      residentKey: "required",
      requireResidentKey: true,
      userVerification: "required",
    });
    expect(options.attestation).toBe("none");
    expect(options.pubKeyCredParams.map((p) => p.alg)).toEqual([-7, -257]);
    // The handle: 32 random bytes, never the email or the numeric id, the same on every ceremony.
    expect(options.user.id).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const row = await env.DB.prepare("SELECT webauthn_user_id FROM users WHERE id = ?").bind(user.id).first();
    expect(row).toEqual({ webauthn_user_id: options.user.id });
    expect((await optionsFor(user)).user.id).toBe(options.user.id);
    expect((await optionsFor(await newAccount())).user.id).not.toBe(options.user.id);
    // Only the challenge's SHA-256 is stored, with 5 minutes to live.
    const rows = await env.DB.prepare("SELECT id, expires_at FROM webauthn_challenges WHERE user_id = ?")
      .bind(user.id)
      .all<{ id: string; expires_at: number }>();
    expect(rows.results).toHaveLength(2);
    for (const row of rows.results) expect(row.id).toMatch(/^[0-9a-f]{64}$/);
    expect(rows.results.map((row) => row.id)).not.toContain(options.challenge);
  });

  it("exclude the passkeys the account already has", async () => {
    const { user, credentialId } = await accountWithPasskey();
    const options = await optionsFor(user);
    expect(options.excludeCredentials).toEqual([
      { type: "public-key", id: credentialId, transports: ["internal", "hybrid"] },
    ]);
  });
});

describe("registration", () => {
  it("stores the credential: its id, COSE key, counter, AAGUID name, transports; no last use yet", async () => {
    const { user, credentialId } = await accountWithPasskey();
    const [listed] = await listPasskeys(db, user.id);
    expect(listed).toMatchObject({ id: credentialId, name: "Google Password Manager", lastUsedAt: null });
    const row = await env.DB.prepare("SELECT * FROM passkeys WHERE id = ?").bind(credentialId).first();
    expect(row).toMatchObject({ user_id: user.id, counter: 1, aaguid: "ea9b8d66-4d01-1d21-3ce4-b6b48cb575d4" });
  });

  it("names a passkey 'Passkey' when its AAGUID is not one the table knows", async () => {
    const user = await newAccount();
    const options = await optionsFor(user);
    const authenticator = new SoftwareAuthenticator("00000000-0000-0000-0000-000000000000");
    const response = await authenticator.register({ ...ceremonyOf(options), userHandle: options.user.id });
    expect(await addPasskey(db, rp, user.id, JSON.stringify(response))).toEqual({ ok: true, name: "Passkey" });
  });

  const cases: [string, Partial<Parameters<SoftwareAuthenticator["register"]>[0]>, CeremonyFailure][] = [
    [
      "from another origin (a phishing site relaying the ceremony)",
      { origin: "https://1ocalhost.example" },
      "wrong_origin",
    ],
    ["for another rp id", { rpId: "evil.example" }, "wrong_rp_id"],
    ["without user verification", { userVerified: false }, "user_not_verified"],
    ["without user presence", { userPresent: false, userVerified: false }, "user_not_present"],
    ["of the wrong type (an assertion's client data)", { type: "webauthn.get" }, "wrong_type"],
  ];
  for (const [what, change, reason] of cases) {
    it(`refuses a response ${what}, and stores nothing`, async () => {
      const user = await newAccount();
      const options = await optionsFor(user);
      const response = await new SoftwareAuthenticator().register({
        ...ceremonyOf(options),
        userHandle: options.user.id,
        ...change,
      });
      expect(await refusal(addPasskey(db, rp, user.id, JSON.stringify(response)))).toBe(reason);
      expect(await listPasskeys(db, user.id)).toEqual([]);
    });
  }

  it("takes each challenge once: the same response again is refused", async () => {
    const user = await newAccount();
    const options = await optionsFor(user);
    const response = JSON.stringify(
      await new SoftwareAuthenticator().register({ ...ceremonyOf(options), userHandle: options.user.id }),
    );
    expect((await addPasskey(db, rp, user.id, response)).ok).toBe(true);
    expect(await addPasskey(db, rp, user.id, response)).toEqual({ ok: false, reason: "challenge" });
  });

  it("refuses a challenge after its 5 minutes, and one made for another user", async () => {
    const user = await newAccount();
    const madeAt = new Date();
    const options = await optionsFor(user, madeAt);
    const response = JSON.stringify(
      await new SoftwareAuthenticator().register({ ...ceremonyOf(options), userHandle: options.user.id }),
    );
    const other = await newAccount();
    expect(await addPasskey(db, rp, other.id, response, madeAt)).toEqual({ ok: false, reason: "challenge" });
    const later = new Date(madeAt.getTime() + 5 * 60 * 1000 + 1);
    expect(await addPasskey(db, rp, user.id, response, later)).toEqual({ ok: false, reason: "challenge" });
    const justInTime = new Date(madeAt.getTime() + 5 * 60 * 1000 - 1);
    expect((await addPasskey(db, rp, user.id, response, justInTime)).ok).toBe(true);
  });

  it("refuses a credential id that is already registered, to this account or another", async () => {
    const { authenticator } = await accountWithPasskey();
    const other = await newAccount();
    const options = await optionsFor(other);
    // The same credential id as the first account's passkey, with a new key: a takeover attempt.
    const credentialId = authenticator.credentials[0]?.id;
    const again = await authenticator.register({ ...ceremonyOf(options), userHandle: options.user.id, credentialId });
    expect(await addPasskey(db, rp, other.id, JSON.stringify(again))).toEqual({ ok: false, reason: "duplicate" });
    expect(await listPasskeys(db, other.id)).toEqual([]);
    // A response whose id is not the one in its authenticator data is no credential at all.
    const fresh = await authenticator.register({ ...ceremonyOf(await optionsFor(other)), userHandle: options.user.id });
    const relabelled = { ...fresh, id: b64url(credentialId ?? new Uint8Array()) };
    expect(await refusal(addPasskey(db, rp, other.id, JSON.stringify(relabelled)))).toBe("malformed");
  });

  it("stops at 20 passkeys per account", async () => {
    const user = await newAccount();
    const authenticator = new SoftwareAuthenticator();
    for (let i = 0; i < 20; i++) {
      const options = await optionsFor(user);
      const response = await authenticator.register({ ...ceremonyOf(options), userHandle: options.user.id });
      expect((await addPasskey(db, rp, user.id, JSON.stringify(response))).ok).toBe(true);
    }
    expect(await registrationOptions(db, rp, user)).toEqual({ ok: false, reason: "limit" });
    expect(await listPasskeys(db, user.id)).toHaveLength(20);
  });
});

describe("assertion", () => {
  async function assertWith(
    setup: Awaited<ReturnType<typeof accountWithPasskey>>,
    change: Partial<Parameters<SoftwareAuthenticator["assert"]>[0]> = {},
  ) {
    const response = await setup.authenticator.assert({
      challenge: "c2VydmVyLW1hZGUtY2hhbGxlbmdl",
      origin: rp.origin,
      rpId: rp.id,
      ...change,
    });
    const stored = { publicKey: setup.stored.public_key, counter: setup.stored.counter, userHandle: setup.userHandle };
    return checkAssertion(parseAuthenticationResponse(JSON.stringify(response)), stored, rp);
  }

  it("accepts a good assertion and returns the new counter", async () => {
    const setup = await accountWithPasskey();
    expect(await assertWith(setup)).toEqual({ counter: 2 });
  });

  it("accepts a passkey that keeps no counter (always 0)", async () => {
    const setup = await accountWithPasskey(new SoftwareAuthenticator(undefined, false));
    expect(setup.stored.counter).toBe(0);
    expect(await assertWith(setup)).toEqual({ counter: 0 });
  });

  const cases: [string, Partial<Parameters<SoftwareAuthenticator["assert"]>[0]>, CeremonyFailure][] = [
    ["from another origin", { origin: "http://localhost.evil.example" }, "wrong_origin"],
    ["for another rp id", { rpId: "example.com" }, "wrong_rp_id"],
    ["without user verification", { userVerified: false }, "user_not_verified"],
    ["whose counter went backwards (a cloned key)", { counter: 0 }, "counter_went_back"],
    ["whose counter stood still", { counter: 1 }, "counter_went_back"],
    ["of the wrong type", { type: "webauthn.create" }, "wrong_type"],
  ];
  for (const [what, change, reason] of cases) {
    it(`refuses an assertion ${what}`, async () => {
      expect(await refusal(assertWith(await accountWithPasskey(), change))).toBe(reason);
    });
  }

  it("refuses a signature by another key, and one naming another user's handle", async () => {
    const setup = await accountWithPasskey();
    const mine = await setup.authenticator.assert({ challenge: "YQ", origin: rp.origin, rpId: rp.id });
    const other = await accountWithPasskey();
    const otherStored = { publicKey: other.stored.public_key, counter: 0, userHandle: setup.userHandle };
    expect(await refusal(checkAssertion(parseAuthenticationResponse(JSON.stringify(mine)), otherStored, rp))).toBe(
      "bad_signature",
    );
    const myStored = { publicKey: setup.stored.public_key, counter: 0, userHandle: other.userHandle };
    expect(await refusal(checkAssertion(parseAuthenticationResponse(JSON.stringify(mine)), myStored, rp))).toBe(
      "wrong_user_handle",
    );
  });

  it("refuses what is not a credential at all", async () => {
    for (const posted of [undefined, "", "{", "null", JSON.stringify({ id: "x", type: "public-key", response: {} })]) {
      expect(await refusal(Promise.resolve().then(() => parseAuthenticationResponse(posted)))).toBe("malformed");
    }
  });
});

describe("DER signatures", () => {
  it("become r‖s only when they are exactly two INTEGERs of at most 32 bytes", () => {
    const r = new Uint8Array(32).fill(0x81);
    const s = new Uint8Array(32).fill(0x01);
    const der = new Uint8Array([0x30, 69, 0x02, 33, 0, ...r, 0x02, 32, ...s]);
    expect(rawEcdsaSignature(der)).toEqual(new Uint8Array([...r, ...s]));
    expect(rawEcdsaSignature(der.subarray(0, 60))).toBeNull();
    expect(rawEcdsaSignature(new Uint8Array([0x30, 6, 0x02, 1, 1, 0x04, 1, 1]))).toBeNull();
    expect(rawEcdsaSignature(new Uint8Array([0x30, 36, 0x02, 34, 1, ...r, 1, 0x02, 0]))).toBeNull();
  });
});

describe("removing", () => {
  it("removes only the user's own passkey", async () => {
    const { user, credentialId } = await accountWithPasskey();
    const stranger = await newAccount();
    expect(await removePasskey(db, stranger.id, credentialId)).toBeNull();
    expect(await listPasskeys(db, user.id)).toHaveLength(1);
    expect(await removePasskey(db, user.id, credentialId)).toBe("Google Password Manager");
    expect(await listPasskeys(db, user.id)).toEqual([]);
  });
});

function ceremonyOf(options: { challenge: string }) {
  return { challenge: options.challenge, origin: rp.origin, rpId: rp.id };
}
