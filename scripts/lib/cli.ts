// What the operator commands share: failing with a message and a status, reading their few options,
// counting accounts by age, and the typed "yes" before anything is deleted or changed.
import { createInterface } from "node:readline";

export const DAY_MS = 24 * 60 * 60 * 1000;

/** Prints `<command>: message` on stderr and exits with `status` (2: the command was used wrongly). */
export type Fail = (message: string, status?: number) => never;

export function failWith(command: string): Fail {
  return (message, status = 1) => {
    console.error(`${command}: ${message}`);
    process.exit(status);
    // @cloudflare/workers-types declares `process` as any, so TypeScript cannot see that exit() never returns.
    throw new Error("unreachable");
  };
}

export type Options = { flags: Set<string>; days: Map<string, number> };

/**
 * The command's arguments: `flags` on their own, `days` options each followed by a whole number of
 * days (up to 5 digits). Anything else, or a days option without its number, fails with `usage` (2).
 */
export function parseArgs(
  args: readonly string[],
  spec: { flags: readonly string[]; days?: readonly string[] },
  usage: string,
  fail: Fail,
): Options {
  const options: Options = { flags: new Set(), days: new Map() };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] ?? "";
    if (spec.flags.includes(arg)) options.flags.add(arg);
    else if (spec.days?.includes(arg) && /^\d{1,5}$/.test(args[i + 1] ?? "")) options.days.set(arg, Number(args[++i]));
    else fail(usage, 2);
  }
  return options;
}

/**
 * Ages for a report: an SQL CASE naming the band a row's `column` (epoch ms) falls in, each band
 * reaching so many days back from `now`, then `older` (and `never` where the column is NULL); and
 * the labels in order, for printing the counts.
 */
export function ageBands(
  column: string,
  bands: Record<string, number>,
  older: string,
  now: number,
  never?: string,
): { sql: string; labels: string[] } {
  const sql = [
    never ? `CASE WHEN ${column} IS NULL THEN '${never}'` : "CASE",
    ...Object.entries(bands).map(([label, days]) => `WHEN ${column} >= ${now - days * DAY_MS} THEN '${label}'`),
    `ELSE '${older}' END`,
  ].join(" ");
  return { sql, labels: [...Object.keys(bands), older, ...(never ? [never] : [])] };
}

/** Asks on the terminal; true only for a typed "yes" (a closed stdin is a no). */
export function confirm(prompt: string): Promise<boolean> {
  return new Promise((resolve) => {
    const rl = createInterface({ input: process.stdin, output: process.stdout });
    rl.question(prompt, (answer) => {
      rl.close();
      resolve(answer.trim().toLowerCase() === "yes");
    });
    rl.on("close", () => resolve(false));
  });
}
