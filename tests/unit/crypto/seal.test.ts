import { describe, expect, it } from "vitest";
import { fromBase64url, toBase64url } from "~/crypto/encoding.server";
import { seal, unseal } from "~/crypto/seal.server";

const SECRET = "a-secret-of-the-test-0123456789abcdef";
const OTHER = "another-secret-of-the-test-0123456789";

describe("seal and unseal", () => {
  it("open what was sealed, with the same secret, purpose and binding", async () => {
    const sealed = await seal(SECRET, "purpose", "session-id-123", "user-7");
    expect(sealed).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(sealed).not.toContain("session-id-123");
    expect(await unseal([SECRET], "purpose", sealed, "user-7")).toBe("session-id-123");
  });

  it("seal the same text differently each time (a fresh IV)", async () => {
    expect(await seal(SECRET, "purpose", "x", "u")).not.toBe(await seal(SECRET, "purpose", "x", "u"));
  });

  it("open with any secret of the list (rotation): the old one still opens what it sealed", async () => {
    const sealed = await seal(OTHER, "purpose", "text", "u");
    expect(await unseal([SECRET, OTHER], "purpose", sealed, "u")).toBe("text");
  });

  it.each([
    ["another secret", [OTHER], "purpose", "user-7"],
    ["another purpose", [SECRET], "other purpose", "user-7"],
    ["another binding (another user)", [SECRET], "purpose", "user-8"],
  ])("open nothing under %s", async (_case, secrets, purpose, boundTo) => {
    const sealed = await seal(SECRET, "purpose", "session-id-123", "user-7");
    expect(await unseal(secrets, purpose, sealed, boundTo)).toBeNull();
  });

  it("open nothing that was tampered with, truncated or is no base64url", async () => {
    const sealed = await seal(SECRET, "purpose", "session-id-123", "user-7");
    const bytes = fromBase64url(sealed) ?? new Uint8Array(0);
    bytes[bytes.length - 1] = (bytes[bytes.length - 1] ?? 0) ^ 1;
    for (const garbled of [toBase64url(bytes), sealed.slice(0, 16), "", "%%%", "x"]) {
      expect(await unseal([SECRET], "purpose", garbled, "user-7")).toBeNull();
    }
  });
});
