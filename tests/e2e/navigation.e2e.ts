// Client-side navigation (JS on) between every page through the header and in-page links, and
// back/forward: no full reloads, no redirect loops, no console errors, always the slashed URLs.
// (trailing slashes have caused client-side redirect loops in Remix 2: remix-run/remix issues 7529, 10248).
import type { Page, Request } from "playwright-core";
import { describe, it } from "vitest";
import {
  connectBrowser,
  expect,
  expectPath,
  headerButton,
  headerLink,
  logIn,
  registeredUser,
  visit,
  waitForHydration,
  watchConsole,
} from "./support";

const chromium = connectBrowser();

/** Everything the page asked the server for, to spot reloads and loops. */
function watchRequests(page: Page) {
  const requests: Request[] = [];
  page.on("request", (request) => requests.push(request));
  return {
    documents: () => requests.filter((request) => request.resourceType() === "document").map((r) => r.url()),
    data: () => requests.filter((request) => new URL(request.url()).pathname.endsWith(".data")),
    reset: () => requests.splice(0),
  };
}

/** A marker on window survives client-side navigation and is lost on any full page load. */
async function markWindow(page: Page) {
  await page.evaluate(() => {
    (window as unknown as { __e2eMarker: string }).__e2eMarker = "still the same document";
  });
}

async function expectSameDocument(page: Page) {
  const marker = await page.evaluate(() => (window as unknown as { __e2eMarker?: string }).__e2eMarker);
  expect(marker, `a full page load happened on the way to ${page.url()}`).toBe("still the same document");
}

async function heading(page: Page): Promise<string | null> {
  return page.getByRole("heading", { level: 1 }).textContent();
}

describe("client-side navigation (JS on)", () => {
  it("moves between every page by links and history without reloads, loops or console errors", async () => {
    const page = await chromium.page(true);
    const errors = watchConsole(page);
    const user = await registeredUser("nav");

    await visit(page, "/");
    const requests = watchRequests(page);
    requests.reset();
    await markWindow(page);

    // Signed out: header links, in-page links, and the guard's redirect.
    const steps: [string, () => Promise<unknown>, string, string][] = [
      ["header Log in", () => headerLink(page, "Log in").click(), "/login/", "Log in"],
      ["header Register", () => headerLink(page, "Register").click(), "/register/", "Create your account"],
      [
        "footer Log in",
        () => page.getByRole("link", { name: "Have an account already? Log in" }).click(),
        "/login/",
        "Log in",
      ],
      [
        "footer Register",
        () => page.getByRole("link", { name: "Need an account? Register" }).click(),
        "/register/",
        "Create your account",
      ],
      ["brand", () => headerLink(page, "Edge Auth").click(), "/", "Sign in at the edge"],
      [
        "dashboard link, signed out",
        () => page.getByRole("link", { name: "Go to your dashboard" }).click(),
        "/login/?next=%2Fdash%2F",
        "Log in",
      ],
    ];
    for (const [, act, path, title] of steps) {
      await act();
      await expectPath(page, path);
      await expect.poll(() => heading(page)).toBe(title);
      await expectSameDocument(page);
    }
    await expect(page.getByRole("status").textContent()).resolves.toContain("Please log in to access this page.");

    // Signing in through the form is a client-side post and redirect too.
    await logIn(page, user);
    await expectSameDocument(page);
    await expect(headerLink(page, "Dashboard").getAttribute("aria-current")).resolves.toBe("page");

    const signedIn: [() => Promise<unknown>, string, string][] = [
      [() => headerLink(page, "Edge Auth").click(), "/", "Sign in at the edge"],
      [() => headerLink(page, "Dashboard").click(), "/dash/", "Welcome, Ada Lovelace"],
      [() => headerLink(page, "Edge Auth").click(), "/", "Sign in at the edge"],
      [() => page.getByRole("link", { name: "Go to your dashboard" }).click(), "/dash/", "Welcome, Ada Lovelace"],
    ];
    for (const [act, path, title] of signedIn) {
      await act();
      await expectPath(page, path);
      await expect.poll(() => heading(page)).toBe(title);
      await expectSameDocument(page);
    }

    // Back and forward through the history just made.
    const history: [() => Promise<unknown>, string][] = [
      [() => page.goBack(), "/"],
      [() => page.goBack(), "/dash/"],
      [() => page.goBack(), "/"],
      [() => page.goForward(), "/dash/"],
      [() => page.goForward(), "/"],
      [() => page.goForward(), "/dash/"],
    ];
    for (const [act, path] of history) {
      await act();
      await expectPath(page, path);
      await expectSameDocument(page);
    }

    // Logging out from the header: a client-side post, then the home page with its flash.
    await headerButton(page, "Log out").click();
    await expectPath(page, "/");
    await expect(page.getByRole("status").textContent()).resolves.toContain("You have been logged out.");
    await expectSameDocument(page);
    // Back to the dashboard's history entry, now signed out: the guard sends us to log in, once.
    await page.goBack();
    await expectPath(page, "/login/?next=%2Fdash%2F");
    await expectSameDocument(page);

    // One document (none after the first), and no data URL asked for over and over.
    expect(requests.documents()).toEqual([]);
    const perUrl = new Map<string, number>();
    for (const request of requests.data()) {
      const key = `${request.method()} ${new URL(request.url()).pathname}`;
      perUrl.set(key, (perUrl.get(key) ?? 0) + 1);
    }
    for (const [key, count] of perUrl) expect(count, `${key} requested ${count} times`).toBeLessThanOrEqual(8);
    expect(requests.data().length).toBeLessThan(40);
    expect(errors).toEqual([]);
  });

  it("404 page: in the layout, status 404, and its link goes home client-side", async () => {
    const page = await chromium.page(true);
    const errors = watchConsole(page);
    const response = await page.goto("/no-such-page/");
    expect(response?.status()).toBe(404);
    await expect(page.title()).resolves.toBe("Page not found · Edge Auth");
    await waitForHydration(page);
    await markWindow(page);
    await page.getByRole("link", { name: "Go to the home page" }).click();
    await expectPath(page, "/");
    await expectSameDocument(page);
    // The browser logs the 404 document itself; nothing else may be logged.
    expect(errors.filter((error) => !error.includes("status of 404"))).toEqual([]);
  });

  it("slash-less URLs land on the slashed ones, query kept", async () => {
    const page = await chromium.page(true);
    for (const [from, to] of [
      ["/login", "/login/"],
      ["/register", "/register/"],
      ["/dash", "/login/?next=%2Fdash%2F"],
      ["/login?next=%2Fdash%2F", "/login/?next=%2Fdash%2F"],
    ] as const) {
      await page.goto(from);
      await expectPath(page, to);
    }
  });
});
