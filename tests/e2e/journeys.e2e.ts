// The journeys people take, each with JavaScript on and off, against the app as `npm start` runs it.
import type { Page } from "playwright-core";
import { describe, it } from "vitest";
import {
  connectBrowser,
  countPosts,
  errorFor,
  expect,
  expectPath,
  field,
  fillLogin,
  fillRegistration,
  flash,
  headerButton,
  JS_MODES,
  logIn,
  mainButton,
  newUser,
  queryD1,
  register,
  registeredUser,
  visit,
  waitForHydration,
  watchConsole,
} from "./support";

const chromium = connectBrowser();

/** Emails registered by double clicks; one D1 query at the end checks them all (wrangler is slow to start). */
const doubleClicked: string[] = [];

describe.each(JS_MODES)("journeys ($label)", ({ js }) => {
  it("register, see the flash once, log in, see the dashboard, log out, and be sent to log in again", async () => {
    const page = await chromium.page(js);
    const errors = watchConsole(page);
    const user = newUser("journey");

    await register(page, user);
    const registered = page
      .getByRole("status")
      .filter({ hasText: "You have successfully registered! You may now login." });
    await expect(registered.isVisible()).resolves.toBe(true);
    await page.reload();
    await waitForHydration(page);
    await expect(flash(page).count()).resolves.toBe(0);

    await logIn(page, user);
    await expect(page.title()).resolves.toBe("Dashboard · Edge Auth");
    const main = page.getByRole("main");
    await expect(main.getByRole("heading", { level: 1 }).textContent()).resolves.toBe("Welcome, Ada Lovelace");
    const facts = await main.textContent();
    expect(facts).toContain(user.email);
    expect(facts).toMatch(/Logins:\s*1(?!\d)/);
    expect(facts).toContain("This is your first login");
    await expect(page.getByRole("banner").textContent()).resolves.toContain("Ada");

    await headerButton(page, "Log out").click();
    await expectPath(page, "/");
    await waitForHydration(page);
    const loggedOut = page.getByRole("status").filter({ hasText: "You have been logged out." });
    await expect(loggedOut.isVisible()).resolves.toBe(true);
    if (js) {
      // Dismissible once JS runs.
      await page.getByRole("button", { name: "Dismiss message" }).click();
      await expect(flash(page).count()).resolves.toBe(0);
    }
    await page.reload();
    await expect(flash(page).count()).resolves.toBe(0);

    await visit(page, "/dash/");
    await expectPath(page, "/login/?next=%2Fdash%2F");
    const required = page.getByRole("status").filter({ hasText: "Please log in to access this page." });
    await expect(required.isVisible()).resolves.toBe(true);

    // Back in through `next`: the second login shows the count and the previous login.
    await logIn(page, user);
    const again = await page.getByRole("main").textContent();
    expect(again).toMatch(/Logins:\s*2(?!\d)/);
    expect(again).toMatch(/Previous login:\s*\S/);
    expect(errors).toEqual([]);
  });

  it("shows validation errors beside the right fields, keeps typed values and clears passwords", async () => {
    const page = await chromium.page(js);
    await visit(page, "/register/");

    // Nothing filled in.
    await mainButton(page, "Register").click();
    await field.email(page).waitFor();
    await page.locator(".field-error").first().waitFor();
    await expect(errorFor(field.email(page))).resolves.toBe("Enter your email address");
    await expect(errorFor(field.firstName(page))).resolves.toBe("Enter your first name");
    await expect(errorFor(field.lastName(page))).resolves.toBe("Enter your last name");
    await expect(errorFor(field.password(page))).resolves.toBe("Enter your password");
    await expect(errorFor(field.confirm(page))).resolves.toBeNull();
    if (js) await expectFocused(page, "email");

    // Some right, some wrong: only the wrong ones are marked, and focus goes to the first of them.
    const user = newUser("validation");
    await fillRegistration(page, { ...user, email: "not-an-email", password: "short" }, "short");
    await mainButton(page, "Register").click();
    await page.locator(".field-error").first().waitFor();
    await expect(errorFor(field.email(page))).resolves.toBe("Enter a valid email address, like name@example.com");
    await expect(errorFor(field.firstName(page))).resolves.toBeNull();
    await expect(errorFor(field.lastName(page))).resolves.toBeNull();
    await expect(errorFor(field.password(page))).resolves.toBe("Password must be at least 8 characters");
    if (js) await expectFocused(page, "email");
    await expect(field.email(page).inputValue()).resolves.toBe("not-an-email");
    await expect(field.firstName(page).inputValue()).resolves.toBe("Ada");
    await expect(field.lastName(page).inputValue()).resolves.toBe("Lovelace");

    // Passwords that differ: the message sits beside "Confirm password".
    await fillRegistration(page, user, "something else entirely");
    await mainButton(page, "Register").click();
    await expect.poll(() => page.locator(".field-error").count()).toBe(1);
    await expect(errorFor(field.confirm(page))).resolves.toBe("Passwords must match");
    await expect(errorFor(field.email(page))).resolves.toBeNull();
    if (js) await expectFocused(page, "confirm_password");

    // An error only the server can find (the email is taken): also with JS on, the server's answer
    // keeps the email and names and empties both password fields.
    const taken = newUser("taken");
    const other = await chromium.page(js);
    await register(other, taken);
    await fillRegistration(page, { ...user, email: taken.email.toUpperCase() });
    await mainButton(page, "Register").click();
    await page.getByText("That email address is already registered").waitFor();
    await expect(errorFor(field.email(page))).resolves.toBe("That email address is already registered");
    await expect(field.email(page).inputValue()).resolves.toBe(taken.email.toUpperCase());
    await expect(field.firstName(page).inputValue()).resolves.toBe("Ada");
    await expect(field.lastName(page).inputValue()).resolves.toBe("Lovelace");
    await expect(field.password(page).inputValue()).resolves.toBe("");
    await expect(field.confirm(page).inputValue()).resolves.toBe("");
    if (js) await expectFocused(page, "email");

    // Login: a wrong password says so once for the form, keeps the email, clears the password.
    await visit(page, "/login/");
    await fillLogin(page, { email: taken.email, password: "not the password" });
    await mainButton(page, "Log in").click();
    const alert = page.getByRole("alert").filter({ hasText: "Invalid email or password" });
    await alert.waitFor();
    await expect(field.email(page).inputValue()).resolves.toBe(taken.email);
    await expect(field.password(page).inputValue()).resolves.toBe("");
    // And an empty form marks both fields.
    await field.email(page).fill("");
    await mainButton(page, "Log in").click();
    await page.getByText("Enter your email address").waitFor();
    await expect(errorFor(field.email(page))).resolves.toBe("Enter your email address");
    await expect(errorFor(field.password(page))).resolves.toBe("Enter your password");
    if (js) await expectFocused(page, "email");
  });

  it("follows `next`: /dash/ signed out, log in, land on /dash/", async () => {
    const page = await chromium.page(js);
    const errors = watchConsole(page);
    const user = await registeredUser("next");

    // From the home page's link: with JS on, the guard's redirect arrives through a data request.
    await visit(page, "/");
    await page.getByRole("link", { name: "Go to your dashboard" }).click();
    await expectPath(page, "/login/?next=%2Fdash%2F");
    await waitForHydration(page);
    await logIn(page, user, { landing: "/dash/" });

    // And typed into the address bar.
    const fresh = await chromium.page(js);
    await visit(fresh, "/dash/");
    await expectPath(fresh, "/login/?next=%2Fdash%2F");
    await logIn(fresh, user, { landing: "/dash/" });
    expect(errors).toEqual([]);
  });

  it("remember me: a ticked login survives a browser restart, an unticked one does not", async () => {
    const user = await registeredUser("remember");

    const ticked = await chromium.context(js);
    const tickedPage = await ticked.newPage();
    await visit(tickedPage, "/login/");
    await logIn(tickedPage, user, { remember: true });
    const tickedState = await ticked.storageState();
    const remembered = tickedState.cookies.find((cookie) => cookie.name === "__session");
    const day = 24 * 60 * 60;
    expect(remembered?.expires).toBeGreaterThan(Date.now() / 1000 + day - 120);
    expect(remembered?.expires).toBeLessThanOrEqual(Date.now() / 1000 + day + 5);
    await ticked.close();
    const reopened = await chromium.page(js, { storageState: restarted(tickedState) });
    await visit(reopened, "/dash/");
    await expectPath(reopened, "/dash/");

    const unticked = await chromium.context(js);
    const untickedPage = await unticked.newPage();
    await visit(untickedPage, "/login/");
    await logIn(untickedPage, user);
    const untickedState = await unticked.storageState();
    const session = untickedState.cookies.find((cookie) => cookie.name === "__session");
    // A cookie without Max-Age/Expires is a session cookie: Playwright reports it as expires -1 and
    // (unlike a browser restart) keeps it in storageState, so `restarted` drops it as Chromium does.
    expect(session?.expires).toBe(-1);
    await unticked.close();
    const reopenedUnticked = await chromium.page(js, { storageState: restarted(untickedState) });
    await visit(reopenedUnticked, "/dash/");
    await expectPath(reopenedUnticked, "/login/?next=%2Fdash%2F");
  });

  it("a double-clicked submit button creates one user and one session", async () => {
    const page = await chromium.page(js);
    const posts = countPosts(page);
    const errors = watchConsole(page);
    const user = newUser("double");

    await register(page, user, (button) => button.dblclick());
    await page.getByText("You have successfully registered! You may now login.").waitFor();

    await fillLogin(page, user);
    await mainButton(page, "Log in").dblclick();
    await expectPath(page, "/dash/");
    await page.getByRole("heading", { name: "Welcome, Ada Lovelace" }).waitFor();
    await expect(page.getByRole("main").textContent()).resolves.toMatch(/Logins:\s*1(?!\d)/);
    // Without JS the browser decides whether the second click posts again (it does when the first
    // navigation has already started): the outcome is what the app promises, checked in D1 below.
    if (js) expect(posts).toEqual(["/register.data", "/login.data"]);
    doubleClicked.push(user.email);
    expect(errors).toEqual([]);
  });

  if (!js) {
    // With JS the button is disabled by then (the double-click tests above and below).
    it("a second click while the first post is on its way (its answer lost) still ends with one user, one session, one login", async () => {
      const page = await chromium.page(js);
      const errors = watchConsole(page);
      const user = newUser("inflight");

      await visit(page, "/register/");
      await fillRegistration(page, user);
      await clickAgainWhileInFlight(page, mainButton(page, "Register"), "/register", "/login/");
      await page.getByText("You have successfully registered! You may now login.").waitFor();

      await fillLogin(page, user);
      await clickAgainWhileInFlight(page, mainButton(page, "Log in"), "/login", "/dash/");
      await page.getByRole("heading", { name: "Welcome, Ada Lovelace" }).waitFor();
      await expect(page.getByRole("main").textContent()).resolves.toMatch(/Logins:\s*1(?!\d)/);
      doubleClicked.push(user.email);
      expect(errors).toEqual([]);
    });
  }

  if (js) {
    it("a human-speed double click (a second click 80 ms later) still posts once", async () => {
      const page = await chromium.page(js);
      const posts = countPosts(page);
      const errors = watchConsole(page);
      const user = newUser("slowdouble");

      await register(page, user, (button) => clickTwice(page, button));
      await page.getByText("You have successfully registered! You may now login.").waitFor();

      // The pending state shows while the post is in flight.
      await page.route("**/login.data", async (route) => {
        await new Promise((resolve) => setTimeout(resolve, 1_000));
        await route.continue();
      });
      await fillLogin(page, user);
      await clickTwice(page, mainButton(page, "Logging in…").or(mainButton(page, "Log in")));
      await expect(mainButton(page, "Logging in…").isDisabled()).resolves.toBe(true);
      await expectPath(page, "/dash/");
      await page.getByRole("heading", { name: "Welcome, Ada Lovelace" }).waitFor();
      await expect(page.getByRole("main").textContent()).resolves.toMatch(/Logins:\s*1(?!\d)/);
      expect(posts).toEqual(["/register.data", "/login.data"]);
      doubleClicked.push(user.email);
      expect(errors).toEqual([]);
    });
  }
});

describe("after the double clicks", () => {
  it("D1 holds exactly one user and one session for each double-clicked registration and login", async () => {
    expect(doubleClicked.length).toBeGreaterThanOrEqual(3);
    const list = doubleClicked.map((email) => `'${email}'`).join(", ");
    const [rows] = await queryD1<{ email: string; users: number; sessions: number }>(
      "select users.email as email, count(distinct users.id) as users, count(sessions.id) as sessions " +
        `from users left join sessions on sessions.user_id = users.id where users.email in (${list}) group by users.email`,
    );
    expect(rows).toEqual(expect.arrayContaining(doubleClicked.map((email) => ({ email, users: 1, sessions: 1 }))));
    expect(rows).toHaveLength(doubleClicked.length);
  });
});

/** What a browser keeps across a restart: persistent cookies only (session cookies end with it). */
function restarted<T extends { cookies: { expires: number }[] }>(state: T): T {
  return { ...state, cookies: state.cookies.filter((cookie) => cookie.expires !== -1) };
}

async function expectFocused(page: Page, name: string): Promise<void> {
  await page.waitForFunction((expected) => document.activeElement?.getAttribute("name") === expected, name);
}

/**
 * What a double click does without JS when the page is slow: the first post reaches the server and is
 * answered there, but the browser never shows the answer, because the second click started a new
 * navigation that aborted it, and the same form posts again. The first post is sent from here with
 * the browser's own headers and body; the browser's copy is held until the second post has left,
 * which happens while the test already waits for `landing`.
 */
async function clickAgainWhileInFlight(
  page: Page,
  button: ReturnType<typeof mainButton>,
  path: string,
  landing: string,
): Promise<void> {
  const pattern = `**${path}/`;
  let answered: Promise<number> | undefined;
  let release = () => {};
  const released = new Promise<void>((resolve) => {
    release = resolve;
  });
  await page.route(pattern, async (route) => {
    const request = route.request();
    if (request.method() !== "POST" || answered) return route.fallback();
    answered = request
      .allHeaders()
      .then((headers) =>
        fetch(request.url(), { method: "POST", headers, body: request.postData(), redirect: "manual" }),
      )
      .then((response) => response.status);
    await released;
    await route.abort().catch(() => {}); // Already cancelled by the second navigation.
  });
  // Mouse clicks where the button is: a locator would wait for the held navigation.
  const { x, y } = await centreOf(button);
  await page.mouse.click(x, y);
  await expect.poll(() => answered !== undefined).toBe(true);
  await expect(answered).resolves.toBe(303);
  const clickAgain = async () => {
    await new Promise((resolve) => setTimeout(resolve, 100));
    await page.mouse.click(x, y);
    release();
  };
  await Promise.all([expectPath(page, landing), clickAgain()]);
  await page.unroute(pattern);
}

async function centreOf(button: ReturnType<typeof mainButton>): Promise<{ x: number; y: number }> {
  const box = await button.boundingBox();
  if (!box) throw new Error("button not visible");
  return { x: box.x + box.width / 2, y: box.y + box.height / 2 };
}

async function clickTwice(page: Page, button: ReturnType<typeof mainButton>): Promise<void> {
  // The position is read once: the button's name changes to its pending wording after the first click.
  const { x, y } = await centreOf(button);
  await page.mouse.click(x, y);
  await new Promise((resolve) => setTimeout(resolve, 80));
  await page.mouse.click(x, y, { clickCount: 2 });
}
