// Shared pieces of the browser tests: the browser connection, contexts with JS on or off, the
// app's forms (two-step verification's steps among them), axe, console watching, a read-only look
// into the run's local D1 and the operator commands run against it.
import { execFile, spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { promisify } from "node:util";
import {
  type Browser,
  type BrowserContext,
  type BrowserContextOptions,
  chromium,
  type Locator,
  type Page,
  type Request,
} from "playwright-core";
import { afterAll, afterEach, beforeAll, expect, inject } from "vitest";
import { codeFor } from "../helpers/totp-code";
import { SCREENSHOT_DIR } from "./config";

export const baseURL = inject("baseURL");
export const PASSWORD = "correct horse battery";
/** What a test changes PASSWORD to. */
export const NEW_PASSWORD = "a brand new passphrase";

/** The two ways every journey runs. */
export const JS_MODES = [
  { label: "JS on", js: true },
  { label: "JS off", js: false },
] as const;

// ---------- Browser and contexts ----------

/** Connects this test file to the run's one Chromium; contexts opened through it close after each test. */
export function connectBrowser() {
  let browser: Browser | undefined;
  const open: BrowserContext[] = [];
  beforeAll(async () => {
    browser = await chromium.connect(inject("wsEndpoint"));
  });
  afterEach(async () => {
    await Promise.all(open.splice(0).map((context) => context.close().catch(() => {})));
  });
  afterAll(async () => {
    await browser?.close();
  });
  return {
    get browser(): Browser {
      if (!browser) throw new Error("browser not connected yet");
      return browser;
    },
    /** A fresh context (its own cookies) with JavaScript on or off. */
    async context(js: boolean, options: BrowserContextOptions = {}): Promise<BrowserContext> {
      if (!browser) throw new Error("browser not connected yet");
      // Reduced motion: app/styles.css then turns transitions and animations off, so no check (axe's
      // colour contrast, a screenshot) can catch a button halfway between two colours.
      const context = await browser.newContext({ baseURL, javaScriptEnabled: js, reducedMotion: "reduce", ...options });
      context.setDefaultTimeout(10_000);
      // Page loads get longer: on a busy 2-core machine a cold load has been seen to take several seconds.
      context.setDefaultNavigationTimeout(20_000);
      appScripts.set(context, js);
      trackInFlight(context);
      open.push(context);
      return context;
    },
    /**
     * JavaScript on in the browser, but the app's own scripts blocked: the page is exactly what a
     * browser without JS shows, while tools such as axe can still run inside it.
     */
    async contextWithoutAppScripts(options: BrowserContextOptions = {}): Promise<BrowserContext> {
      const context = await this.context(true, options);
      appScripts.set(context, false);
      await context.route(/\/assets\/.*\.js$/, (route) => route.abort());
      return context;
    },
    async page(js: boolean, options: BrowserContextOptions = {}): Promise<Page> {
      const context = await this.context(js, options);
      return context.newPage();
    },
  };
}

/**
 * Goes to a page and, with JS on, waits until React has taken over the document: before that a click
 * on a link or a submit button does the browser's own thing, which would make JS-on tests flaky.
 */
export async function visit(page: Page, path: string): Promise<void> {
  try {
    await page.goto(path);
  } catch (error) {
    throw new Error(`${(error as Error).message}\nstill in flight: ${describeInFlight(page.context())}`);
  }
  await waitForHydration(page);
}

/** Requests a context has sent and not yet seen finish, with their age: to diagnose a stalled load. */
const inFlight = new WeakMap<BrowserContext, Map<Request, number>>();

function trackInFlight(context: BrowserContext): void {
  const open = new Map<Request, number>();
  inFlight.set(context, open);
  context.on("request", (request) => open.set(request, Date.now()));
  context.on("requestfinished", (request) => open.delete(request));
  context.on("requestfailed", (request) => open.delete(request));
}

function describeInFlight(context: BrowserContext): string {
  const open = inFlight.get(context);
  if (!open || open.size === 0) return "nothing";
  return [...open]
    .map(([request, since]) => `${request.method()} ${new URL(request.url()).pathname} (${Date.now() - since} ms)`)
    .join(", ");
}

export async function waitForHydration(page: Page): Promise<void> {
  if (!(await scriptsEnabled(page))) return;
  await page.waitForFunction(() => {
    const router = (window as unknown as { __remixRouter?: { state: { initialized: boolean } } }).__remixRouter;
    return (
      router?.state.initialized === true && Object.keys(document).some((key) => key.startsWith("__reactContainer"))
    );
  });
}

/** Whether the app's own JavaScript runs in a context (recorded when the context is made). */
const appScripts = new WeakMap<BrowserContext, boolean>();

async function scriptsEnabled(page: Page): Promise<boolean> {
  return appScripts.get(page.context()) ?? true;
}

/**
 * Waits for the URL and, with JS on, for the router to finish loading that page. (With back and
 * forward the address changes first and the data follows; acting before then interrupts the
 * navigation, which Remix logs as an AbortError, as it would for a person clicking that fast.)
 * React draws the new page a moment after both: before pressing keys or reading the page other than
 * through a locator, wait for something only the new page shows.
 */
export async function expectPath(page: Page, path: string): Promise<void> {
  await waitForPath(page, path);
  if (await scriptsEnabled(page)) {
    await page.waitForFunction(() => {
      type Router = { state: { initialized: boolean; navigation: { state: string }; revalidation: string } };
      if (!("__remixContext" in window)) return document.readyState === "complete"; // Not a Remix page.
      const router = (window as unknown as { __remixRouter?: Router }).__remixRouter;
      return (
        router?.state.initialized === true &&
        router.state.navigation.state === "idle" &&
        router.state.revalidation === "idle"
      );
    });
  }
}

/**
 * waitForURL rejects when any navigation fails. A navigation the browser aborted for a newer one (a
 * second click without JS starts another post) is not a failure of the page: the newer one is waited for.
 */
async function waitForPath(page: Page, path: string): Promise<void> {
  for (let superseded = 0; ; superseded += 1) {
    try {
      return await page.waitForURL((url) => `${url.pathname}${url.search}` === path);
    } catch (error) {
      if (superseded === 2 || !(error as Error).message.includes("net::ERR_ABORTED")) throw error;
    }
  }
}

// ---------- Users and the app's forms ----------

let counter = 0;

export type NewUser = { email: string; firstName: string; lastName: string; password: string };

export function newUser(tag = "user"): NewUser {
  counter += 1;
  return {
    email: `${tag}-${Date.now().toString(36)}-${counter}@example.com`,
    firstName: "Ada",
    lastName: "Lovelace",
    password: PASSWORD,
  };
}

export const field = {
  email: (page: Page) => page.getByLabel("Email", { exact: true }),
  firstName: (page: Page) => page.getByLabel("First name", { exact: true }),
  lastName: (page: Page) => page.getByLabel("Last name", { exact: true }),
  password: (page: Page) => page.getByLabel("Password", { exact: true }),
  confirm: (page: Page) => page.getByLabel("Confirm password", { exact: true }),
  remember: (page: Page) => page.getByLabel("Remember me", { exact: true }),
};

export const mainButton = (page: Page, name: string) =>
  page.getByRole("main").getByRole("button", { name, exact: true });
export const headerButton = (page: Page, name: string) =>
  page.getByRole("banner").getByRole("button", { name, exact: true });
export const headerLink = (page: Page, name: string) =>
  page.getByRole("banner").getByRole("link", { name, exact: true });

export async function fillRegistration(page: Page, user: NewUser, confirm = user.password): Promise<void> {
  await field.email(page).fill(user.email);
  await field.firstName(page).fill(user.firstName);
  await field.lastName(page).fill(user.lastName);
  await field.password(page).fill(user.password);
  await field.confirm(page).fill(confirm);
}

/** Registers through the form, sent by `submit` (a click unless told), and ends on the login page, its flash shown. */
export async function register(
  page: Page,
  user: NewUser,
  submit: (button: Locator) => Promise<void> = (button) => button.click(),
): Promise<void> {
  await visit(page, "/register/");
  await fillRegistration(page, user);
  await submit(mainButton(page, "Register"));
  await expectPath(page, "/login/");
  await page.getByRole("heading", { name: "Log in", exact: true }).waitFor();
  await waitForHydration(page);
}

/**
 * Posts a form over plain HTTP, as a browser without JS does: GET the page for the cookie and CSRF
 * token, then POST. Returns the (unfollowed) response, body read.
 */
export async function postFormOverHttp(path: string, fields: Record<string, string>): Promise<Response> {
  const form = await fetch(`${baseURL}${path}`);
  const cookie = form.headers
    .getSetCookie()
    .map((line) => line.split(";")[0])
    .join("; ");
  const csrf = /name="csrf" value="([^"]+)"/.exec(await form.text())?.[1];
  if (!csrf) throw new Error(`no CSRF token on ${path}`);
  const response = await fetch(`${baseURL}${path}`, {
    method: "POST",
    redirect: "manual",
    headers: { Cookie: cookie, Origin: baseURL, "Content-Type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ csrf, ...fields }),
  });
  await response.arrayBuffer();
  return response;
}

/** Registers over plain HTTP. For tests whose subject is not registration: quicker than driving the page. */
export async function registerOverHttp(user: NewUser): Promise<void> {
  const response = await postFormOverHttp("/register/", {
    email: user.email,
    first_name: user.firstName,
    last_name: user.lastName,
    password: user.password,
    confirm_password: user.password,
  });
  if (response.status !== 303) throw new Error(`registration over HTTP answered ${response.status}`);
}

/** A new user, registered over plain HTTP: how a test whose subject is not registration begins. */
export async function registeredUser(tag?: string): Promise<NewUser> {
  const user = newUser(tag);
  await registerOverHttp(user);
  return user;
}

export async function fillLogin(page: Page, user: Pick<NewUser, "email" | "password">, remember = false) {
  await field.email(page).fill(user.email);
  await field.password(page).fill(user.password);
  if (remember) await field.remember(page).check();
}

/** Logs in from the current login page and waits for `landing`. */
export async function logIn(page: Page, user: NewUser, { remember = false, landing = "/dash/" } = {}): Promise<void> {
  await fillLogin(page, user, remember);
  await mainButton(page, "Log in").click();
  await expectPath(page, landing);
  // With JS on the URL changes a moment before React renders the new page.
  if (landing === "/dash/")
    await page.getByRole("heading", { name: `Welcome, ${user.firstName} ${user.lastName}` }).waitFor();
  await waitForHydration(page);
}

/** Logs out with the header's button and waits for the home page. */
export async function logOut(page: Page): Promise<void> {
  await headerButton(page, "Log out").click();
  await expectPath(page, "/");
}

// ---------- Two-step verification ----------

/**
 * From a signed-in page: turns two-step verification on from /account/, typing the code Node computes
 * from the secret the page shows, as an authenticator app would. `check` runs on the set-up page and
 * on the recovery codes. Returns the secret and the ten recovery codes.
 */
export async function turnOnTwoFactor(
  page: Page,
  check: (page: Page, what: string) => Promise<void> = async () => {},
): Promise<{ secret: string; codes: string[] }> {
  await visit(page, "/account/");
  await page.getByRole("link", { name: "Turn on two-step verification" }).click();
  await expectPath(page, "/account/two-factor/");
  await page.getByRole("img", { name: "QR code to add your account to an authenticator app" }).waitFor();
  await check(page, "set-up page");
  const secret = ((await page.locator("code.secret").textContent()) ?? "").replace(/\s/g, "");
  expect(secret).toMatch(/^[A-Z2-7]{32}$/);
  const link = await page.getByRole("link", { name: "Open in your authenticator app" }).getAttribute("href");
  expect(link).toContain(`secret=${secret}`);
  // The keyboard reaches the code field by its label, as a screen reader names it.
  const code = page.getByLabel("Code", { exact: true });
  await code.focus();
  await page.keyboard.type(codeFor(secret));
  await page.keyboard.press("Enter");
  await page.getByRole("heading", { name: "Save your recovery codes" }).waitFor();
  await waitForHydration(page);
  const codes = await page.locator("ol.recovery-codes code").allTextContents();
  expect(codes).toHaveLength(10);
  await check(page, "recovery codes");
  return { secret, codes };
}

/** The login form with the password, for an account with two-step verification on; lands on the code page. */
export async function passwordStep(page: Page, user: Pick<NewUser, "email" | "password">): Promise<void> {
  await visit(page, "/login/");
  await fillLogin(page, user);
  await mainButton(page, "Log in").click();
  await expectPath(page, "/login/two-factor/");
  await page.getByText("Enter the code from your authenticator app").waitFor();
  await waitForHydration(page);
}

/** Signs in with the password and then `recoveryCode` instead of a code; lands on /dash/. */
export async function logInWithRecoveryCode(
  page: Page,
  user: Pick<NewUser, "email" | "password">,
  recoveryCode: string,
): Promise<void> {
  await passwordStep(page, user);
  await page.getByLabel("Recovery code", { exact: true }).fill(recoveryCode);
  await mainButton(page, "Use recovery code").click();
  await expectPath(page, "/dash/");
}

/** The flash banner, whichever role it has. */
export function flash(page: Page): Locator {
  return page.locator(".flash");
}

/**
 * The error shown for a field: the element its aria-describedby names, which must sit in the same
 * field container as the input (beside it), while the input is marked aria-invalid.
 */
export async function errorFor(input: Locator): Promise<string | null> {
  return input.evaluate((element) => {
    const describedBy = element.getAttribute("aria-describedby");
    if (!describedBy) return null;
    const message = document.getElementById(describedBy);
    if (!message) throw new Error(`aria-describedby="${describedBy}" names no element`);
    const container = element.closest(".field");
    if (!container?.contains(message)) throw new Error("the error is not in the field's own container");
    if (element.getAttribute("aria-invalid") !== "true") throw new Error("an input with an error is not aria-invalid");
    // The text a screen reader gets: the decorative icon is aria-hidden.
    const spoken = message.cloneNode(true) as HTMLElement;
    for (const hidden of spoken.querySelectorAll("[aria-hidden='true']")) hidden.remove();
    return spoken.textContent?.trim() ?? "";
  });
}

// ---------- Watching the page ----------

/** Console errors and uncaught exceptions, as they happen. */
export function watchConsole(page: Page): string[] {
  const errors: string[] = [];
  page.on("console", (message) => {
    if (message.type() === "error") errors.push(`console: ${message.text()}`);
  });
  page.on("pageerror", (error) => errors.push(`pageerror: ${error.message}`));
  return errors;
}

/** POST requests the page sends (documents and fetches), by path; not the passkey autofill's options fetch. */
export function countPosts(page: Page): string[] {
  const posts: string[] = [];
  page.on("request", (request) => {
    const path = new URL(request.url()).pathname;
    // The login page's passkey autofill fetches its options as the page loads: no form post.
    if (request.method() === "POST" && path !== "/login/passkey/options/") posts.push(path);
  });
  return posts;
}

/** Switches prefers-color-scheme and waits for the colours' 0.15 s transition, so what is measured is settled. */
export async function settleColourScheme(page: Page, colorScheme: "light" | "dark"): Promise<void> {
  await page.emulateMedia({ colorScheme });
  await page.evaluate(() =>
    Promise.all(
      document
        .getAnimations()
        .filter((animation) => animation instanceof CSSTransition)
        .map((animation) => animation.finished),
    ),
  );
}

/** How far the page scrolls sideways (0 when it fits its viewport). */
function horizontalOverflow(page: Page): Promise<number> {
  return page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
}

/** The phone and laptop sizes every screen is shot at, and the two colour schemes. */
export const VIEWPORTS = [
  { width: 375, height: 812 },
  { width: 1280, height: 800 },
] as const;
const SCHEMES = ["light", "dark"] as const;

/** Screenshots saved, and what was wrong when each was taken. */
type Shots = { saved: string[]; problems: string[] };

/**
 * The page as it stands at its viewport, light and dark: a full-page screenshot of each
 * (`<name>-<width>x<height>-<scheme>.png` in SCREENSHOT_DIR), and what is wrong at each (sideways
 * scroll, axe's contrast rule). Leaves the page light.
 */
async function shootInBothSchemes(page: Page, name: string): Promise<Shots> {
  const viewport = page.viewportSize();
  if (!viewport) throw new Error("the page has no fixed viewport to name its screenshots by");
  const shots: Shots = { saved: [], problems: [] };
  for (const scheme of SCHEMES) {
    await settleColourScheme(page, scheme);
    const size = `${viewport.width}x${viewport.height}-${scheme}`;
    if ((await horizontalOverflow(page)) > 0) shots.problems.push(`${name}: scrolls sideways at ${size}`);
    for (const v of (await runAxe(page, ["color-contrast"])).violations)
      shots.problems.push(`${name}, ${size}: ${v.id} at ${v.targets.join(", ")}`);
    const path = join(SCREENSHOT_DIR, `${name}-${size}.png`);
    await page.screenshot({ path, fullPage: true, animations: "disabled", caret: "hide" });
    shots.saved.push(path);
  }
  await settleColourScheme(page, "light");
  return shots;
}

/** shootInBothSchemes for a test that walks through states: a problem fails it at that state. Returns the paths saved. */
export async function captureInBothSchemes(page: Page, state: string): Promise<string[]> {
  const { saved, problems } = await shootInBothSchemes(page, state);
  expect(problems).toEqual([]);
  return saved;
}

/** shootInBothSchemes at 375 and 1280 px wide. Leaves the page light, at the laptop size. */
export async function shootAtEverySize(page: Page, name: string): Promise<Shots> {
  const shots: Shots = { saved: [], problems: [] };
  for (const viewport of VIEWPORTS) {
    await page.setViewportSize(viewport);
    const { saved, problems } = await shootInBothSchemes(page, name);
    shots.saved.push(...saved);
    shots.problems.push(...problems);
  }
  return shots;
}

// ---------- axe ----------

const require = createRequire(import.meta.url);
const AXE_SOURCE = readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");
export const AXE_VERSION = (require("axe-core/package.json") as { version: string }).version;

export type AxeSummary = {
  violations: { id: string; impact: string | null; help: string; targets: string[] }[];
  passes: number;
  /** Rules axe could not decide alone (needs review), by id. */
  incomplete: string[];
};

/**
 * Runs axe-core inside the page (WCAG 2.x A and AA rules plus best practices). axe is evaluated
 * through the DevTools protocol rather than added as a <script> tag: the app's CSP (nonce-based)
 * rightly refuses an inline script without its nonce, and the page must be tested with its CSP on.
 */
/**
 * Waits until no animation or transition runs in the page: colours read mid-transition are neither
 * the old nor the new ones. With reduced motion none should start; one that never ends fails here,
 * named, instead of as a colour-contrast violation by chance.
 */
async function animationsSettled(page: Page): Promise<void> {
  try {
    await page.waitForFunction(
      () => document.getAnimations().every((animation) => animation.playState !== "running"),
      null,
      {
        timeout: 5_000,
      },
    );
  } catch {
    const running = await page.evaluate(() =>
      document.getAnimations().map((animation) => {
        const target = (animation.effect as KeyframeEffect | null)?.target;
        return `${animation.constructor.name} on ${target?.tagName.toLowerCase() ?? "?"}.${target?.className ?? ""}`;
      }),
    );
    throw new Error(`animations still running: ${running.join(", ")}`);
  }
}

export async function runAxe(page: Page, onlyRules?: string[]): Promise<AxeSummary> {
  await animationsSettled(page);
  const loaded = await page.evaluate(() => "axe" in window);
  if (!loaded) await page.evaluate(AXE_SOURCE);
  return page.evaluate(async (rules) => {
    type AxeResult = {
      id: string;
      impact: string | null;
      help: string;
      nodes: { target: string[] }[];
    };
    const axe = (
      window as unknown as {
        axe: { run: (context: Document, options: object) => Promise<Record<string, AxeResult[]>> };
      }
    ).axe;
    const results = await axe.run(document, {
      runOnly: rules
        ? { type: "rule", values: rules }
        : { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"] },
    });
    return {
      violations: (results.violations ?? []).map((v) => ({
        id: v.id,
        impact: v.impact,
        help: v.help,
        targets: v.nodes.map((node) => node.target.join(" ")),
      })),
      passes: (results.passes ?? []).length,
      incomplete: (results.incomplete ?? []).map((v) => v.id),
    };
  }, onlyRules ?? null);
}

/** Every visible form control has a visible label (or visible text, for buttons). Returns the ones that don't. */
export async function controlsWithoutVisibleLabel(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const visible = (element: Element | null) => {
      if (!element) return false;
      const box = element.getBoundingClientRect();
      const style = getComputedStyle(element);
      // checkVisibility: content of a closed <details> keeps its boxes in Chromium but is not shown.
      const shown = element.checkVisibility?.({ visibilityProperty: true }) ?? true;
      return shown && box.width > 1 && box.height > 1 && style.visibility !== "hidden" && style.display !== "none";
    };
    const missing: string[] = [];
    for (const control of document.querySelectorAll("input, select, textarea, button")) {
      if (control instanceof HTMLInputElement && control.type === "hidden") continue;
      if (!visible(control)) continue;
      const name = control.getAttribute("name") ?? control.outerHTML.slice(0, 60);
      if (control instanceof HTMLButtonElement) {
        // biome-ignore lint/performance/useDomNodeTextContent: visible text only; hidden text is no visible label.
        const text = control.innerText.trim();
        const label = control.getAttribute("aria-label");
        // An icon button (×) may carry an aria-label; its visible glyph stands for it.
        if (!text && !label) missing.push(`button ${name}`);
        continue;
      }
      const labels = Array.from((control as HTMLInputElement).labels ?? []);
      // biome-ignore lint/performance/useDomNodeTextContent: visible text only; hidden text is no visible label.
      if (!labels.some((label) => visible(label) && label.innerText.trim().length > 0)) missing.push(`${name}`);
    }
    return missing;
  });
}

/**
 * The page's basics: lang="en", a viewport and a description, a title ending in the product name,
 * the SVG favicon, and `autocomplete` on every visible text-like input. Returns what is missing.
 */
export async function missingBasics(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const missing: string[] = [];
    if (document.documentElement.lang !== "en") missing.push('html lang="en"');
    const meta = (name: string) => document.querySelector(`meta[name="${name}"]`)?.getAttribute("content") ?? "";
    if (!meta("viewport").includes("width=device-width")) missing.push("meta viewport");
    if (!meta("description")) missing.push("meta description");
    if (!/^(.+ · )?Edge Auth$/.test(document.title)) missing.push(`a page title (got "${document.title}")`);
    if (!document.querySelector('link[rel="icon"][href="/favicon.svg"]')) missing.push("favicon link");
    for (const input of document.querySelectorAll<HTMLInputElement>("input")) {
      if (["hidden", "checkbox", "radio", "submit", "button"].includes(input.type)) continue;
      if (input.closest("[aria-hidden='true']")) continue; // The registration honeypot (autocomplete="off").
      if (!input.getAttribute("autocomplete")) missing.push(`autocomplete on ${input.name}`);
    }
    return missing;
  });
}

// ---------- The run's database ----------

const run = promisify(execFile);

/**
 * A statement on the run's local D1, through wrangler, as an operator would run it: mostly to look,
 * sometimes to set up what a test cannot wait for (an account made long ago, a confirmation lapsed).
 */
export async function queryD1<T = Record<string, unknown>>(sql: string): Promise<T[][]> {
  const { stdout } = await run(
    "npx",
    ["wrangler", "d1", "execute", "DB", "--local", "--persist-to", inject("persistDir"), "--json", "--command", sql],
    { env: { ...process.env, CI: "true", WRANGLER_SEND_METRICS: "false" }, maxBuffer: 10 * 1024 * 1024 },
  );
  const parsed = JSON.parse(stdout.slice(stdout.indexOf("["))) as { results: T[] }[];
  return parsed.map((statement) => statement.results);
}

// ---------- Operator commands ----------

export type CommandResult = { status: number | null; stdout: string; stderr: string; out: string };

/**
 * `npm run NAME -- ARGS` as an operator runs it, against this run's local D1 (PERSIST_TO) and told
 * where the app serves (PORT, as `npm start` reads it: the commands that queue a notice run its
 * scheduled handler there). `input` is what is typed (or piped) in; `env` adds to the environment.
 */
export function operatorCommand(
  name: string,
  args: string[] = [],
  {
    input = "",
    port = new URL(baseURL).port,
    env = {},
  }: { input?: string; port?: string; env?: Record<string, string> } = {},
): CommandResult {
  const result = spawnSync("npm", ["run", "-s", name, "--", ...args], {
    input,
    encoding: "utf8",
    env: {
      ...process.env,
      PERSIST_TO: inject("persistDir"),
      PORT: port,
      CI: "true",
      WRANGLER_SEND_METRICS: "false",
      ...env,
    },
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr, out: result.stdout + result.stderr };
}

export { expect };
