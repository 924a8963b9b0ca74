// app/http/form-action.server.ts called directly, with a real cookie and CSRF token from the login
// page: what comes back for a valid form, an invalid one, a missing token, and the route's own refusals.

import { env } from "cloudflare:workers";
import type { AppLoadContext } from "@remix-run/cloudflare";
import { describe, expect, it } from "vitest";
import { submitForm } from "~/http/form-action.server";
import { messages } from "~/messages";
import { LoginSchema } from "~/validation";
import { ORIGIN, TestBrowser } from "../helpers/browser";

type Answer = { data: { errors: Record<string, string>; values: Record<string, string> }; init: ResponseInit | null };

/** A request's load context (the app keeps per-request state keyed by it, so each call has its own). */
const context = () =>
  ({
    cloudflare: { env, ctx: { waitUntil: () => {}, passThroughOnException: () => {} } },
  }) as unknown as AppLoadContext;

/** A POST of `fields` to /login/ as the login page's browser would send it (its cookie and token). */
async function posted(fields: Record<string, string>, { token = true } = {}): Promise<Request> {
  const browser = new TestBrowser();
  await browser.get("/login/");
  const body = new URLSearchParams({ ...(token ? { csrf: browser.csrf ?? "" } : {}), ...fields });
  return new Request(`${ORIGIN}/login/`, {
    method: "POST",
    body,
    headers: { Cookie: browser.cookieHeader(), "Content-Type": "application/x-www-form-urlencoded" },
  });
}

const spec = { schema: LoginSchema, keep: ["email"] as const };

describe("submitForm", () => {
  it("a valid form: its parsed data and the kept values", async () => {
    const submission = await submitForm(
      await posted({ email: " Ada@Example.com ", password: "secret words" }),
      context(),
      spec,
    );
    expect(submission.ok).toBe(true);
    if (!submission.ok) return;
    expect(submission.data).toMatchObject({ email: "ada@example.com", password: "secret words" });
    expect(submission.values).toEqual({ email: " Ada@Example.com " });
    expect(submission.withinIpLimit).toBe(true);
  });

  it("an invalid form: 400 with the field errors and the kept values, never the password", async () => {
    const submission = await submitForm(await posted({ email: "", password: "typed secret" }), context(), spec);
    expect(submission.ok).toBe(false);
    if (submission.ok) return;
    const answer = submission.reply as unknown as Answer;
    expect(answer.init?.status).toBe(400);
    expect(answer.data.errors).toMatchObject({ email: messages.emailRequired });
    expect(answer.data.values).toEqual({ email: "" });
    expect(JSON.stringify(answer.data)).not.toContain("typed secret");
  });

  it("without the CSRF token: a 403 is thrown, nothing validated", async () => {
    const thrown = await submitForm(
      await posted({ email: "a@example.com", password: "x" }, { token: false }),
      context(),
      spec,
    ).catch((error: unknown) => error);
    expect((thrown as Answer).init?.status).toBe(403);
  });

  it("the route's refusals: reject (400, its errors) and tooManyAttempts (429 with Retry-After in seconds)", async () => {
    const submission = await submitForm(await posted({ email: "a@example.com", password: "x" }), context(), spec);
    if (!submission.ok) throw new Error("expected a valid form");
    const rejected = submission.reject({ form: messages.invalidCredentials }) as unknown as Answer;
    expect(rejected.init?.status).toBe(400);
    expect(rejected.data).toEqual({
      errors: { form: messages.invalidCredentials },
      values: { email: "a@example.com" },
    });
    const locked = submission.tooManyAttempts(15) as unknown as Answer;
    expect(locked.init?.status).toBe(429);
    expect(new Headers(locked.init?.headers).get("Retry-After")).toBe("900");
    expect(locked.data.errors.form).toBe(messages.tooManyAttempts(15));
  });
});
