// app/account/device-references.server.ts: a devices-list reference names one session of one user,
// says nothing about its id, and is refused for anyone else or when altered.

import { env } from "cloudflare:workers";
import type { AppLoadContext } from "@remix-run/cloudflare";
import { describe, expect, it } from "vitest";
import { sessionIdFromReference, sessionReference } from "~/account/device-references.server";

const context = { cloudflare: { env } } as unknown as AppLoadContext;
const BASE64URL = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
const flipLowestBit = (char: string) => BASE64URL.charAt(BASE64URL.indexOf(char) ^ 1);
const SESSION_ID = "3f1c2a9e8b7d6c5f4e3d2c1b0a9f8e7d6c5b4a39281706f5e4d3c2b1a0f9e8d7";

describe("session references", () => {
  it("round-trip for the user they were made for, and do not contain the id", async () => {
    const reference = await sessionReference(context, 7, SESSION_ID);
    expect(reference).not.toContain(SESSION_ID);
    expect(await sessionIdFromReference(context, 7, reference)).toBe(SESSION_ID);
  });

  it("differ each time (a fresh nonce), and both still name the session", async () => {
    const [a, b] = [await sessionReference(context, 7, SESSION_ID), await sessionReference(context, 7, SESSION_ID)];
    expect(a).not.toBe(b);
    expect(await sessionIdFromReference(context, 7, b)).toBe(SESSION_ID);
  });

  it("name nothing for another user, altered, or garbage", async () => {
    const reference = await sessionReference(context, 7, SESSION_ID);
    expect(await sessionIdFromReference(context, 8, reference)).toBeNull();
    // Every character altered in turn, by its lowest bit: in the last one that bit encodes no byte,
    // so the reference must be refused for its spelling alone (one value, one spelling).
    for (let at = 0; at < reference.length; at++) {
      const altered = `${reference.slice(0, at)}${flipLowestBit(reference.charAt(at))}${reference.slice(at + 1)}`;
      expect(await sessionIdFromReference(context, 7, altered), `altered at ${at}`).toBeNull();
    }
    for (const garbage of ["", "others", "x".repeat(500), "!!!"]) {
      expect(await sessionIdFromReference(context, 7, garbage)).toBeNull();
    }
  });
});
