// docs/product.md "Account", devices: every live session of the user with its device, place and sign-in time,
// "This device" for the current one, and signing the others out (ASVS 5.0 V7.5.2). The references
// the buttons post are opaque, not the cookie's token, and useless to any other account (IDOR).
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import {
  type Fields,
  newUser,
  registerThroughForm,
  replayCookie,
  signedInBrowser,
  type TestBrowser,
  textOf,
} from "../helpers/browser";
import { readSessionCookie, SESSION_COOKIE, sha256HexIndependent } from "../helpers/cookies";
import { sessionsOf } from "../helpers/db";
import { select } from "../helpers/html";

const FIREFOX_LINUX = "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0";
const SAFARI_IPHONE =
  "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1";

function device(userAgent: string, cf?: Partial<IncomingRequestCfProperties>): RequestInit {
  return { headers: { "User-Agent": userAgent }, ...(cf ? { cf } : {}) } as RequestInit;
}

async function tokenOf(browser: TestBrowser): Promise<string> {
  return (await readSessionCookie(browser.cookies.get(SESSION_COOKIE) ?? ""))?.token ?? "";
}

async function isSignedIn(browser: TestBrowser): Promise<boolean> {
  return (await browser.get("/dash/")).response.status === 200;
}

/** The devices list as a person reads it, "label | place and time | This device or Sign out", and the buttons' references. */
async function devicesOn(browser: TestBrowser) {
  const { html } = await browser.get("/account/");
  const labels = await select(html, "ul.devices > li strong");
  const metas = await select(html, "ul.devices > li .device-meta");
  const ends = await select(html, "ul.devices > li .badge, ul.devices > li button");
  const items = labels.map((label, i) => `${label.text} | ${metas[i]?.text} | ${ends[i]?.text}`);
  const buttons = await select(html, 'form[action="/account/sessions/"] button[name="session"]');
  return { html, items, references: buttons.map((b) => b.attrs.value ?? "") };
}

async function twoDevices(user: Fields) {
  const laptop = (await signedInBrowser(user, {}, device(FIREFOX_LINUX, { city: "London", country: "GB" }))).browser;
  const phone = (await signedInBrowser(user, {}, device(SAFARI_IPHONE, { country: "DE" }))).browser;
  return { laptop, phone };
}

describe("the devices list", () => {
  it("shows every live session newest first, with device, place and time; the current one is 'This device' with no button", async () => {
    const user = await registerThroughForm();
    const { laptop } = await twoDevices(user);
    const { items, references, html } = await devicesOn(laptop);
    expect(items).toHaveLength(2);
    expect(items[0]).toMatch(/^Safari on iOS \| Germany · Signed in \d{1,2} \w{3} \d{4}, \d\d:\d\d UTC \| Sign out$/);
    expect(items[1]).toMatch(/^Firefox on Linux \| London, United Kingdom · Signed in .* UTC \| This device$/);
    expect(references).toHaveLength(2); // The phone's "Sign out" and "Sign out of all other devices".
    expect((await select(html, 'button[value="others"]'))[0]?.text).toBe("Sign out of all other devices");
  });

  it("stores a short label, never the User-Agent itself, and no place when the request had none", async () => {
    const user = await registerThroughForm();
    await signedInBrowser(user, {}, device(FIREFOX_LINUX));
    const [row] = await sessionsOf(user.email ?? "");
    const stored = row as unknown as Record<string, unknown>;
    expect(stored.device).toBe("Firefox on Linux");
    expect(Object.values(stored)).not.toContain(FIREFOX_LINUX);
  });

  it("sessions from before devices were recorded show as 'Unknown device'; expired ones are not listed", async () => {
    const user = await registerThroughForm();
    const { laptop } = await twoDevices(user);
    const rows = await sessionsOf(user.email ?? "");
    await env.DB.prepare("UPDATE sessions SET device = NULL, city = NULL, country = NULL WHERE id = ?")
      .bind(rows[1]?.id)
      .run();
    expect((await devicesOn(laptop)).items[0]).toMatch(/^Unknown device \| Signed in .* UTC \| Sign out$/);
    await env.DB.prepare("UPDATE sessions SET expires_at = ? WHERE id = ?")
      .bind(Date.now() - 1, rows[1]?.id)
      .run();
    const { items, html } = await devicesOn(laptop);
    expect(items).toHaveLength(1);
    expect(textOf(html)).toContain("No other device is signed in.");
    expect(await select(html, 'button[value="others"]')).toEqual([]);
  });

  it("references are opaque: neither a token nor a session id appears in the page", async () => {
    const user = await registerThroughForm();
    const { laptop, phone } = await twoDevices(user);
    const { html, references } = await devicesOn(laptop);
    for (const browser of [laptop, phone]) {
      const token = await tokenOf(browser);
      expect(html).not.toContain(token);
      expect(html).not.toContain(sha256HexIndependent(token));
    }
    const phoneReference = references[0] ?? "";
    expect(phoneReference).toMatch(/^[A-Za-z0-9_-]{40,}$/);
    // Sealed afresh each time: the same session gets a different reference on every render.
    expect((await devicesOn(laptop)).references[0]).not.toBe(phoneReference);
  });
});

describe("POST /account/sessions/", () => {
  it("one device: that session is deleted and its cookie signed out at once; flash and 303 to /account/", async () => {
    const user = await registerThroughForm();
    const { laptop, phone } = await twoDevices(user);
    const { references } = await devicesOn(laptop);
    const { response } = await laptop.post("/account/sessions/", { session: references[0] ?? "" });
    expect(response.status).toBe(303);
    expect(response.headers.get("Location")).toBe("/account/");
    const { html, items } = await devicesOn(laptop);
    expect(textOf(html)).toContain("Signed out of the selected devices.");
    expect(items).toHaveLength(1);
    expect(await isSignedIn(phone)).toBe(false);
    expect(await isSignedIn(laptop)).toBe(true);
  });

  it("a replayed cookie of the signed-out device stays signed out", async () => {
    const user = await registerThroughForm();
    const { laptop, phone } = await twoDevices(user);
    const stolen = phone.cookies.get(SESSION_COOKIE) ?? "";
    await laptop.post("/account/sessions/", { session: (await devicesOn(laptop)).references[0] ?? "" });
    const response = await replayCookie(stolen, "/account/");
    expect(response.status).toBe(303);
    expect(response.headers.get("Location")).toBe("/login/?next=%2Faccount%2F");
  });

  it('"others": every session but this one is deleted', async () => {
    const user = await registerThroughForm();
    const { laptop, phone } = await twoDevices(user);
    const third = (await signedInBrowser(user)).browser;
    const { response } = await laptop.post("/account/sessions/", { session: "others" });
    expect(response.status).toBe(303);
    expect(await isSignedIn(phone)).toBe(false);
    expect(await isSignedIn(third)).toBe(false);
    expect(await isSignedIn(laptop)).toBe(true);
    const rows = await sessionsOf(user.email ?? "");
    expect(rows.map((row) => row.id)).toEqual([sha256HexIndependent(await tokenOf(laptop))]);
  });

  it("IDOR: another user's reference, posted by a signed-in user, answers 404 and deletes nothing", async () => {
    const alice = await registerThroughForm(newUser({ first_name: "Alice" }));
    const mallory = await registerThroughForm(newUser({ first_name: "Mallory" }));
    const alices = await twoDevices(alice);
    const malloryBrowser = (await signedInBrowser(mallory)).browser;
    await signedInBrowser(mallory); // Mallory has another session too, which must survive.
    const aliceReference = (await devicesOn(alices.laptop)).references[0] ?? "";
    await malloryBrowser.get("/account/");
    const before = [...(await sessionsOf(alice.email ?? "")), ...(await sessionsOf(mallory.email ?? ""))];
    const { response, html } = await malloryBrowser.post("/account/sessions/", { session: aliceReference });
    expect(response.status).toBe(404);
    expect(textOf(html)).toContain("We couldn't find that page.");
    expect([...(await sessionsOf(alice.email ?? "")), ...(await sessionsOf(mallory.email ?? ""))]).toEqual(before);
    expect(await isSignedIn(alices.phone)).toBe(true);
  });

  it("IDOR: a session id, a token or a garbled or empty reference answers 404 and deletes nothing", async () => {
    const user = await registerThroughForm();
    const { laptop, phone } = await twoDevices(user);
    const phoneToken = await tokenOf(phone);
    const reference = (await devicesOn(laptop)).references[0] ?? "";
    const tampered = `${reference.slice(0, -2)}${reference.endsWith("AA") ? "BB" : "AA"}`;
    const before = await sessionsOf(user.email ?? "");
    for (const session of [sha256HexIndependent(phoneToken), phoneToken, tampered, "x", "", "%%%"]) {
      await laptop.get("/account/");
      const { response } = await laptop.post("/account/sessions/", { session });
      expect(response.status, session).toBe(404);
    }
    await laptop.get("/account/");
    expect((await laptop.post("/account/sessions/", {})).response.status).toBe(404);
    expect(await sessionsOf(user.email ?? "")).toEqual(before);
    expect(await isSignedIn(phone)).toBe(true);
  });

  it("a reference used once is spent: posting it again answers 404", async () => {
    const user = await registerThroughForm();
    const { laptop } = await twoDevices(user);
    const reference = (await devicesOn(laptop)).references[0] ?? "";
    expect((await laptop.post("/account/sessions/", { session: reference })).response.status).toBe(303);
    await laptop.get("/account/");
    expect((await laptop.post("/account/sessions/", { session: reference })).response.status).toBe(404);
  });

  it("GET /account/sessions/ signs nobody out: it sends a signed-in user to /account/", async () => {
    const user = await registerThroughForm();
    const { laptop, phone } = await twoDevices(user);
    const { response } = await laptop.get("/account/sessions/?session=others");
    expect([302, 303]).toContain(response.status);
    expect(response.headers.get("Location")).toBe("/account/");
    expect(await isSignedIn(phone)).toBe(true);
  });
});
