// docs/product.md "Registration" and "Login": the server-side rules of each form, checked on the shared zod schemas.
import { describe, expect, it } from "vitest";
import { messages } from "~/messages";
import { LoginSchema, RegisterSchema, validateForm } from "~/validation";

const valid = {
  email: "ada@example.com",
  first_name: "Ada",
  last_name: "Lovelace",
  password: "correct horse",
  confirm_password: "correct horse",
};

function form(fields: Record<string, string>): FormData {
  const data = new FormData();
  for (const [name, value] of Object.entries(fields)) data.append(name, value);
  return data;
}

function register(overrides: Record<string, string | undefined>) {
  const fields = Object.fromEntries(
    Object.entries({ ...valid, ...overrides }).filter((entry): entry is [string, string] => entry[1] !== undefined),
  );
  return validateForm(RegisterSchema, form(fields));
}

function errorsOf(result: ReturnType<typeof register>) {
  if (result.ok) throw new Error("expected the form to be refused");
  return result.errors;
}

/** An address of exactly `length` characters. */
function emailOfLength(length: number): string {
  const domain = "@example.com";
  return `${"a".repeat(length - domain.length)}${domain}`;
}

describe("RegisterSchema: email", () => {
  it("is trimmed and lowercased", () => {
    const result = register({ email: "  Ada.Lovelace@Example.COM \t" });
    expect(result).toEqual({ ok: true, data: expect.objectContaining({ email: "ada.lovelace@example.com" }) });
  });

  it.each([
    ["missing", undefined, messages.emailRequired],
    ["empty", "", messages.emailRequired],
    ["only spaces", "   ", messages.emailRequired],
  ])("is required (%s)", (_case, email, message) => {
    expect(errorsOf(register({ email })).email).toBe(message);
  });

  it.each([
    ["no @", "ada.example.com"],
    ["two @", "ada@@example.com"],
    ["@ in the domain", "ada@foo@example.com"],
    ["no dot in the domain", "ada@localhost"],
    ["a space inside", "ada lovelace@example.com"],
    ["nothing before @", "@example.com"],
    ["nothing after @", "ada@"],
    ["empty label in the domain", "ada@example..com"],
    ["domain ends with a dot", "ada@example.com."],
    ["a control character", "ada\u0007@example.com"],
  ])("must be plausible: refuses %s", (_case, email) => {
    expect(errorsOf(register({ email })).email).toBe(messages.emailInvalid);
  });

  it.each(["ada@example.com", "a.b+tag@mail.example.co.uk", "x@y.io"])("accepts %s", (email) => {
    expect(register({ email }).ok).toBe(true);
  });

  it("accepts 254 characters and refuses 255", () => {
    expect(register({ email: emailOfLength(254) }).ok).toBe(true);
    expect(errorsOf(register({ email: emailOfLength(255) })).email).toBe(messages.emailTooLong);
  });

  it("counts the length after trimming", () => {
    expect(register({ email: `  ${emailOfLength(254)}  ` }).ok).toBe(true);
  });
});

describe("RegisterSchema: first and last name", () => {
  it.each([
    ["first_name", messages.firstNameRequired],
    ["last_name", messages.lastNameRequired],
  ])("%s is required after trimming", (field, message) => {
    expect(errorsOf(register({ [field]: undefined }))[field]).toBe(message);
    expect(errorsOf(register({ [field]: "" }))[field]).toBe(message);
    expect(errorsOf(register({ [field]: " \t\n " }))[field]).toBe(message);
  });

  it.each(["first_name", "last_name"])("%s: 100 characters pass, 101 do not", (field) => {
    expect(register({ [field]: "n".repeat(100) }).ok).toBe(true);
    expect(errorsOf(register({ [field]: "n".repeat(101) }))[field]).toBe(messages.nameTooLong);
  });

  it("names are trimmed", () => {
    const result = register({ first_name: "  Ada ", last_name: "\tLovelace  " });
    expect(result).toEqual({ ok: true, data: expect.objectContaining({ first_name: "Ada", last_name: "Lovelace" }) });
  });
});

describe("RegisterSchema: password", () => {
  const pair = (password: string) => ({ password, confirm_password: password });

  it("needs 8 to 128 characters", () => {
    expect(errorsOf(register(pair("1234567"))).password).toBe(messages.passwordTooShort);
    expect(register(pair("12345678")).ok).toBe(true);
    expect(register(pair("p".repeat(128))).ok).toBe(true);
    expect(errorsOf(register(pair("p".repeat(129)))).password).toBe(messages.passwordTooLong);
  });

  it("is required", () => {
    expect(errorsOf(register({ password: undefined, confirm_password: undefined })).password).toBe(
      messages.passwordRequired,
    );
  });

  it("is not trimmed: spaces count as characters", () => {
    const result = register(pair("  spaces  "));
    expect(result).toEqual({ ok: true, data: expect.objectContaining({ password: "  spaces  " }) });
  });

  it('a different confirm_password says "Passwords must match", beside confirm_password', () => {
    expect(messages.passwordsMustMatch).toBe("Passwords must match");
    const errors = errorsOf(register({ password: "correct horse", confirm_password: "correct horsf" }));
    expect(errors).toEqual({ confirm_password: "Passwords must match" });
    expect(errorsOf(register({ confirm_password: undefined })).confirm_password).toBe("Passwords must match");
  });

  it("reports every wrong field at once, one message each", () => {
    const errors = errorsOf(
      validateForm(RegisterSchema, form({ email: "x", first_name: "", last_name: "", password: "1" })),
    );
    expect(Object.keys(errors).sort()).toEqual(["confirm_password", "email", "first_name", "last_name", "password"]);
  });
});

describe("LoginSchema", () => {
  const login = (fields: Record<string, string>) => validateForm(LoginSchema, form(fields));

  it("trims and lowercases the email, keeps the password as typed", () => {
    expect(login({ email: " Ada@Example.com ", password: " pw " })).toEqual({
      ok: true,
      data: { email: "ada@example.com", password: " pw ", remember_me: false },
    });
  });

  it("reads a ticked remember_me checkbox as true, a missing one as false", () => {
    expect(login({ email: "a@b.co", password: "x", remember_me: "y" })).toMatchObject({
      data: { remember_me: true },
    });
    expect(login({ email: "a@b.co", password: "x" })).toMatchObject({ data: { remember_me: false } });
  });

  it("needs an email and a password", () => {
    const result = login({ email: "  ", password: "" });
    expect(result).toEqual({
      ok: false,
      errors: { email: messages.emailRequired, password: messages.passwordRequired },
    });
  });

  it("does not check the email's format (a typo and an unknown address get the same answer)", () => {
    expect(login({ email: "not-an-address", password: "x" }).ok).toBe(true);
  });
});
