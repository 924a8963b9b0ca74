// docs/product.md "Registration", through the whole worker: every validation error, duplicates (also racing
// ones), and what a successful registration stores and shows.
import { describe, expect, it } from "vitest";
import { messages } from "~/messages";
import { type Fields, newUser, signedInBrowser, TestBrowser, textOf } from "../helpers/browser";
import { countUsers, userByEmail } from "../helpers/db";
import { select, selectOne } from "../helpers/html";

async function postRegistration(fields: Fields) {
  const browser = new TestBrowser();
  await browser.get("/register/");
  return { browser, ...(await browser.post("/register/", fields)) };
}

/** The error shown beside a field, wired to it with aria-invalid and aria-describedby. */
async function fieldError(html: string, name: string): Promise<string | null> {
  const input = await selectOne(html, `main form input[name="${name}"]`);
  const describedBy = input.attrs["aria-describedby"];
  if (!describedBy) return null;
  expect(input.attrs["aria-invalid"]).toBe("true");
  return (await selectOne(html, `[id="${describedBy}"]`)).text.replace(/^!\s*/, "");
}

async function typedValue(html: string, name: string): Promise<string | undefined> {
  return (await selectOne(html, `main form input[name="${name}"]`)).attrs.value;
}

const longEmail = (length: number) => `${"a".repeat(length - "@example.com".length)}@example.com`;

describe("a registration with an error: 400, the message beside the field, values kept, nothing written", () => {
  const cases: [string, Partial<Fields>, string, string][] = [
    ["email missing", { email: "" }, "email", messages.emailRequired],
    ["email only spaces", { email: "   " }, "email", messages.emailRequired],
    ["email without @", { email: "ada.example.com" }, "email", messages.emailInvalid],
    ["email with two @", { email: "ada@@example.com" }, "email", messages.emailInvalid],
    ["email without a dot in the domain", { email: "ada@localhost" }, "email", messages.emailInvalid],
    ["email with a space", { email: "ada lovelace@example.com" }, "email", messages.emailInvalid],
    ["email of 255 characters", { email: longEmail(255) }, "email", messages.emailTooLong],
    ["first name missing", { first_name: "" }, "first_name", messages.firstNameRequired],
    ["first name only spaces", { first_name: "   " }, "first_name", messages.firstNameRequired],
    ["first name of 101 characters", { first_name: "f".repeat(101) }, "first_name", messages.nameTooLong],
    ["last name missing", { last_name: "" }, "last_name", messages.lastNameRequired],
    ["last name only spaces", { last_name: "\t " }, "last_name", messages.lastNameRequired],
    ["last name of 101 characters", { last_name: "l".repeat(101) }, "last_name", messages.nameTooLong],
    [
      "password of 7 characters",
      { password: "1234567", confirm_password: "1234567" },
      "password",
      messages.passwordTooShort,
    ],
    [
      "password of 129 characters",
      { password: "p".repeat(129), confirm_password: "p".repeat(129) },
      "password",
      messages.passwordTooLong,
    ],
    ["confirm_password different", { confirm_password: "something else" }, "confirm_password", "Passwords must match"],
  ];

  it.each(cases)("%s", async (_case, overrides, field, message) => {
    const fields = newUser(overrides as Fields);
    const { response, html } = await postRegistration(fields);
    expect(response.status).toBe(400);
    expect(await fieldError(html, field)).toBe(message);
    for (const other of ["email", "first_name", "last_name", "password", "confirm_password"].filter(
      (f) => f !== field,
    )) {
      expect(await fieldError(html, other), `no error beside ${other}`).toBeNull();
    }
    // The typed email and names come back; the passwords never do.
    expect(await typedValue(html, "email")).toBe(fields.email);
    expect(await typedValue(html, "first_name")).toBe(fields.first_name);
    expect(await typedValue(html, "last_name")).toBe(fields.last_name);
    expect(await typedValue(html, "password")).toBeUndefined();
    expect(await typedValue(html, "confirm_password")).toBeUndefined();
    expect(html).not.toContain(fields.password);
    expect(await countUsers(fields.email ?? "")).toBe(0);
  });

  it("several errors at once: a message beside each wrong field", async () => {
    const { response, html } = await postRegistration({
      email: "nope",
      first_name: "",
      last_name: "Hopper",
      password: "short",
      confirm_password: "shorter",
    });
    expect(response.status).toBe(400);
    expect(await fieldError(html, "email")).toBe(messages.emailInvalid);
    expect(await fieldError(html, "first_name")).toBe(messages.firstNameRequired);
    expect(await fieldError(html, "last_name")).toBeNull();
    expect(await fieldError(html, "password")).toBe(messages.passwordTooShort);
    expect(await fieldError(html, "confirm_password")).toBe("Passwords must match");
    expect(await typedValue(html, "last_name")).toBe("Hopper");
  });

  it("fields missing from the POST entirely are errors, not a 500", async () => {
    const { response, html } = await postRegistration({});
    expect(response.status).toBe(400);
    expect(await fieldError(html, "email")).toBe(messages.emailRequired);
    expect(await fieldError(html, "password")).toBe(messages.passwordRequired);
  });
});

describe("the limits are inclusive", () => {
  it("accepts a 254-character email, 100-character names and a 128-character password", async () => {
    const fields = newUser({
      email: longEmail(254).replace(/^a{12}/, `b${Date.now().toString(36)}`.padEnd(12, "b")),
      first_name: "F".repeat(100),
      last_name: "L".repeat(100),
      password: "p".repeat(128),
      confirm_password: "p".repeat(128),
    });
    expect(fields.email).toHaveLength(254);
    const { response } = await postRegistration(fields);
    expect(response.status).toBe(303);
    expect((await userByEmail(fields.email ?? ""))?.first_name).toBe("F".repeat(100));
  });

  it("accepts an 8-character password", async () => {
    const { response } = await postRegistration(newUser({ password: "Zq7$wP2k", confirm_password: "Zq7$wP2k" }));
    expect(response.status).toBe(303);
  });
});

describe("a successful registration", () => {
  it("stores the user with an argon2id hash, a lowercased trimmed email and trimmed names", async () => {
    const fields = newUser({ first_name: "  Grace ", last_name: " Hopper  " });
    const typed = `  ${(fields.email ?? "").toUpperCase()} `;
    const before = Date.now();
    const { response } = await postRegistration({ ...fields, email: typed });
    expect(response.status).toBe(303);
    const row = await userByEmail(fields.email ?? "");
    expect(row).toMatchObject({ email: fields.email, first_name: "Grace", last_name: "Hopper", login_count: 0 });
    expect(row?.password_hash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$/);
    expect(row?.password_hash).not.toContain(fields.password);
    expect(row?.last_login_at).toBeNull();
    expect(row?.created_at).toBeGreaterThanOrEqual(before);
  });

  it("redirects (303) to /login/, where the flash shows once and is gone on reload", async () => {
    const { browser, response } = await postRegistration(newUser());
    expect(response.status).toBe(303);
    expect(response.headers.get("Location")).toBe("/login/");
    const first = await browser.get("/login/");
    expect(textOf(first.html)).toContain("You have successfully registered! You may now login.");
    const second = await browser.get("/login/");
    expect(textOf(second.html)).not.toContain("You have successfully registered!");
  });

  it("the new account can log in", async () => {
    const fields = newUser();
    await postRegistration(fields);
    const { response } = await signedInBrowser(fields);
    expect(response.headers.get("Location")).toBe("/dash/");
  });
});

describe("an email already registered", () => {
  it('is refused case-insensitively: 400 "That email address is already registered", no second row', async () => {
    const fields = newUser();
    expect((await postRegistration(fields)).response.status).toBe(303);
    const shouted = { ...newUser(), email: ` ${(fields.email ?? "").toUpperCase()} ` };
    const { response, html } = await postRegistration(shouted);
    expect(response.status).toBe(400);
    expect(await fieldError(html, "email")).toBe("That email address is already registered");
    expect(await typedValue(html, "email")).toBe(shouted.email);
    expect(await countUsers(fields.email ?? "")).toBe(1);
    // The first account is untouched.
    expect((await userByEmail(fields.email ?? ""))?.first_name).toBe(fields.first_name);
  });

  it("registered at the same moment from several browsers: exactly one user, the others get the message, never a 500", async () => {
    const email = newUser().email ?? "";
    const browsers = await Promise.all(
      Array.from({ length: 5 }, async () => {
        const browser = new TestBrowser();
        await browser.get("/register/");
        return browser;
      }),
    );
    const results = await Promise.all(
      browsers.map((browser, i) => browser.post("/register/", newUser({ email: i % 2 ? email.toUpperCase() : email }))),
    );
    const statuses = results.map((result) => result.response.status).sort();
    expect(statuses).toEqual([303, 400, 400, 400, 400]);
    for (const result of results.filter((r) => r.response.status === 400)) {
      expect(textOf(result.html)).toContain("That email address is already registered");
    }
    expect(await countUsers(email)).toBe(1);
  });
});

describe("registration while signed in", () => {
  it("a POST from a signed-in browser creates nothing and goes to /dash/", async () => {
    const owner = newUser();
    await postRegistration(owner);
    const { browser } = await signedInBrowser(owner);
    const other = newUser();
    const { response } = await browser.post("/register/", other);
    expect([302, 303]).toContain(response.status);
    expect(response.headers.get("Location")).toBe("/dash/");
    expect(await countUsers(other.email ?? "")).toBe(0);
  });
});

describe("the page returned with errors is still a working form", () => {
  it("carries the CSRF token and posts to /register/", async () => {
    const { browser, html } = await postRegistration({ email: "x" });
    expect((await selectOne(html, "main form")).attrs.action).toBe("/register/");
    expect((await select(html, 'main form input[name="csrf"]'))[0]?.attrs.value).toBe(browser.csrf);
  });
});
