// Client JavaScript budget: what each page makes the browser download, measured from the network
// (a fresh context per page, so nothing comes from cache), each file gzipped at level 9 like
// `npm run check:size` (bench/lib/size.ts), which computes the same budget from the build manifest.
import { gzipSync } from "node:zlib";
import type { Page } from "playwright-core";
import { afterAll, describe, it } from "vitest";
import {
  connectBrowser,
  expect,
  expectPath,
  headerButton,
  logIn,
  newUser,
  register,
  registeredUser,
  visit,
} from "./support";

const chromium = connectBrowser();

const KIB = 1024;
/** Issue 19: the login page loads at most 90 KiB of gzipped JavaScript, its passkey code included. */
const LOGIN_BUDGET_BYTES = 90 * KIB;

type Measured = { files: number; raw: number; gzip: number; inlineRaw: number; inlineGzip: number };
const measured = new Map<string, Measured>();

afterAll(() => {
  const rows = [...measured].map(
    ([page, m]) =>
      `  ${page.padEnd(16)} ${String(m.files).padStart(2)} files  ${kib(m.raw).padStart(9)} raw  ${kib(m.gzip).padStart(8)} gzipped` +
      `   (+ inline scripts in the HTML: ${kib(m.inlineRaw)} raw, ${kib(m.inlineGzip)} gzipped)`,
  );
  console.log(
    `\nClient JavaScript per page (JS files from the network log, gzip -9 as bench/lib/size.ts):\n${rows.join("\n")}\n`,
  );
});

function kib(bytes: number): string {
  return `${(bytes / KIB).toFixed(1)} KiB`;
}

/** Loads a page in a fresh context and sums the JS it downloads until the network is quiet. */
async function measure(page: Page, path: string): Promise<Measured> {
  const bodies = new Map<string, Promise<Buffer>>();
  page.on("response", (response) => {
    const url = new URL(response.url());
    if (url.pathname.endsWith(".js") && response.status() === 200) bodies.set(url.pathname, response.body());
  });
  // Module scripts (the entry, its imports and the route modules) load before the load event; what
  // the page imports as it hydrates (the login page's passkey code) by the time the network is quiet.
  await page.goto(path, { waitUntil: "networkidle" });
  const files = await Promise.all(bodies.values());
  const inline = await page.evaluate(() =>
    Array.from(document.querySelectorAll("script:not([src])"))
      .map((script) => script.textContent ?? "")
      .join("\n"),
  );
  return {
    files: files.length,
    raw: files.reduce((sum, body) => sum + body.length, 0),
    gzip: files.reduce((sum, body) => sum + gzipSync(body, { level: 9 }).length, 0),
    inlineRaw: Buffer.byteLength(inline),
    inlineGzip: gzipSync(inline, { level: 9 }).length,
  };
}

describe("client JavaScript budget", () => {
  it("reports each page's JS and keeps the login page within 90 KiB gzipped", async () => {
    const user = await registeredUser("budget");
    const setup = await chromium.context(true);
    const setupPage = await setup.newPage();
    await visit(setupPage, "/login/");
    await logIn(setupPage, user);
    const signedIn = await setup.storageState();

    for (const [name, path, state] of [
      ["home", "/", undefined],
      ["register", "/register/", undefined],
      ["login", "/login/", undefined],
      ["dashboard", "/dash/", signedIn],
      ["logout", "/logout/", signedIn],
      ["404", "/no-such-page/", undefined],
    ] as const) {
      const page = await chromium.page(true, state ? { storageState: state } : {});
      measured.set(name, await measure(page, path));
      await expectPath(page, path);
    }

    const login = measured.get("login");
    expect(login?.gzip).toBeGreaterThan(0);
    expect(login?.gzip ?? Number.POSITIVE_INFINITY).toBeLessThanOrEqual(LOGIN_BUDGET_BYTES);
  });

  it("pages stay usable with JavaScript off: the forms post and the header's Log out works", async () => {
    // The journeys run every form with JS off; this checks no page ships a control that needs JS.
    const page = await chromium.page(false);
    const user = newUser("nojs");
    await register(page, user);
    await logIn(page, user);
    await visit(page, "/dash/");
    const buttons = await page.locator("button").evaluateAll((elements) =>
      elements.map((element) => ({
        type: element.getAttribute("type"),
        inForm: element.closest("form") !== null,
      })),
    );
    // Every button present without JS submits a form (the JS-only toggles are not rendered at all).
    expect(buttons.every((button) => button.type === "submit" && button.inForm)).toBe(true);
    await headerButton(page, "Log out").click();
    await expectPath(page, "/");
  });
});
