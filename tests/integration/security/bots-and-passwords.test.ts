// Registration refuses common passwords, passwords built from the email, and filled honeypots.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { newUser, TestBrowser, textOf } from "../../helpers/browser";

async function register(fields: Record<string, string>) {
  const browser = new TestBrowser();
  const page = await browser.get("/register/");
  const result = await browser.post("/register/", fields);
  return { ...result, page: page.html };
}

async function userExists(email: string): Promise<boolean> {
  return (await env.DB.prepare("SELECT 1 FROM users WHERE email = ?").bind(email.toLowerCase()).first()) !== null;
}

describe("password policy (V6.2.4, V6.2.11)", () => {
  it.each(["password", "Password123", "qwertyuiop", "baseball"])("refuses the common password %s", async (password) => {
    const user = newUser({ password, confirm_password: password });
    const { response, html } = await register(user);
    expect(response.status).toBe(400);
    expect(textOf(html)).toContain("That password is one of the most common ones");
    expect(await userExists(user.email ?? "")).toBe(false);
  });

  it("refuses a password that equals or contains the email's local part", async () => {
    for (const [email, password] of [
      ["margaret.hamilton@example.com", "margaret.hamilton"],
      ["hamilton@example.com", "xxHAMILTONxx1969"],
    ] as const) {
      const { response, html } = await register(newUser({ email, password, confirm_password: password }));
      expect(response.status).toBe(400);
      expect(textOf(html)).toContain("Your password must not contain your email name");
      expect(await userExists(email)).toBe(false);
    }
  });
});

describe("honeypot", () => {
  it("is in the form, hidden from people, assistive technology, the tab order and autofill", async () => {
    const { page } = await register(newUser({ password: "x" }));
    const honeypot = /<div class="honeypot" aria-hidden="true">[\s\S]*?<\/div>/.exec(page)?.[0] ?? "";
    expect(honeypot).toContain('name="leave_this_blank"');
    expect(honeypot).toContain('tabindex="-1"');
    expect(honeypot).toMatch(/autocomplete="off"/i);
  });

  it("a filled honeypot gets the ordinary 400 and nothing is written", async () => {
    const user = newUser({ leave_this_blank: "http://spam.example" });
    const { response } = await register(user);
    expect(response.status).toBe(400);
    expect(await userExists(user.email ?? "")).toBe(false);
  });
});
