// The worker's configuration from its environment, one schema (zod) for every secret and variable:
// what each must look like and what it becomes once read. The worker reads a value where it uses it
// (`readEnv`), so a missing MAIL_FROM fails the request that would send mail (and the log names it)
// rather than every page; the deploy script holds wrangler.toml's [vars] to the same schema
// (`envProblems`) before it deploys, so a deploy refuses exactly what the worker would refuse.
// Relative imports with their extension and no Remix: Node runs this from scripts/ as it is.
import * as z from "zod/v4-mini";
import { config } from "./config.ts";
import { PLAUSIBLE_EMAIL } from "./email-address.ts";

const NOT_SET = "is not set";
const LOOPBACK_HOSTS = ["localhost", "127.0.0.1", "[::1]"];

const abort = (message: string) => ({ error: message, abort: true });

/** A comma-separated list of secrets: the first makes new values, all are tried on old ones. Never a built-in fallback. */
const secretList = z
  .pipe(
    z.string({ error: NOT_SET }),
    z.transform((text) =>
      text
        .split(",")
        .map((secret) => secret.trim())
        .filter(Boolean),
    ),
  )
  .check(z.refine((secrets) => secrets.length > 0, NOT_SET));

/** A URL the worker calls or links to: https, or http on this machine (local runs and the tests' stand-ins). */
const secureUrl = z.string({ error: NOT_SET }).check(
  z.minLength(1, abort(NOT_SET)),
  z.refine((text) => URL.canParse(text), abort("is not a URL")),
  z.refine((text) => {
    const url = new URL(text);
    return url.protocol === "https:" || (url.protocol === "http:" && LOOPBACK_HOSTS.includes(url.hostname));
  }, "must be https (http only for localhost)"),
);

const envSchema = {
  /** Signs the `__session` cookie; keys the audit log's IP digests and a sign-in's session token (session-rows.server.ts). */
  SESSION_SECRET: secretList,
  /** Seals two-step verification secrets in D1. */
  TOTP_SECRET: secretList,
  /** The address emails come from, on a domain onboarded to Email Sending. */
  MAIL_FROM: z
    .string({ error: NOT_SET })
    .check(
      z.trim(),
      z.toLowerCase(),
      z.minLength(1, abort(NOT_SET)),
      z.maxLength(config.limits.emailMax, abort("is not an email address")),
      z.regex(PLAUSIBLE_EMAIL, "is not an email address"),
    ),
  /** The site's origin: links in emails point there, never at a request's Host. Read as the bare origin. */
  APP_ORIGIN: z.pipe(
    secureUrl.check(
      z.refine(
        (text) => URL.canParse(text) && new URL(text).origin === text.replace(/\/$/, ""),
        "must be an origin only, like https://auth.example.com",
      ),
    ),
    z.transform((text) => new URL(text).origin),
  ),
  /**
   * The Pwned Passwords range API, up to where the 5 hex digits go (https://api.pwnedpasswords.com/range/
   * in production). Unset, the breach check is off; local runs and the tests point it at a stand-in.
   */
  PWNED_PASSWORDS_URL: z.optional(
    secureUrl.check(z.refine((text) => text.endsWith("/"), "must end with / (the 5 hex digits follow it)")),
  ),
};

export type EnvName = keyof typeof envSchema;
type EnvValue<N extends EnvName> = z.output<(typeof envSchema)[N]>;

const SECRETS: readonly EnvName[] = ["SESSION_SECRET", "TOTP_SECRET"];

/** A secret or variable that is missing or malformed. Its message names it and says where it is set (never its value). */
export class EnvError extends Error {
  constructor(name: EnvName, problem: string) {
    const where = SECRETS.includes(name)
      ? `run \`wrangler secret put ${name}\` (locally, \`npm start\` writes .dev.vars)`
      : "set it in wrangler.toml [vars] of the environment (npm start sets it locally)";
    super(`${name} ${problem}: ${where}`);
    this.name = "EnvError";
  }
}

type Parsed<N extends EnvName> = { ok: true; value: EnvValue<N> } | { ok: false; problem: string };

function parse<N extends EnvName>(name: N, value: unknown): Parsed<N> {
  const schema: z.ZodMiniType<unknown, unknown> = envSchema[name];
  // Wrangler hands an unset variable over as undefined; an empty one is no better.
  const result = schema.safeParse(value === "" ? undefined : value);
  if (!result.success) return { ok: false, problem: result.error.issues[0]?.message ?? "is not valid" };
  return { ok: true, value: result.data as EnvValue<N> };
}

/** The value of `name` in the worker's environment, read by its schema; throws EnvError when it is missing or malformed. */
export function readEnv<N extends EnvName>(env: Partial<Record<EnvName, unknown>>, name: N): EnvValue<N> {
  const parsed = parse(name, env[name]);
  if (!parsed.ok) throw new EnvError(name, parsed.problem);
  return parsed.value;
}

/** For the deploy script: one line per variable of `names` that `vars` lacks or has malformed (empty when all hold). */
export function envProblems(vars: Record<string, unknown>, names: readonly EnvName[]): string[] {
  return names.flatMap((name) => {
    const parsed = parse(name, vars[name]);
    return parsed.ok ? [] : [`${name} ${parsed.problem}`];
  });
}
