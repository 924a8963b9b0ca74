// Small statistics over repeated runs: figures are medians (with min and max), never a single run,
// so load from other work on the machine moves them little.

export type Summary = { median: number; min: number; max: number; n: number };

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  if (sorted.length === 0) return Number.NaN;
  return sorted.length % 2 ? (sorted[middle] ?? 0) : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
}

export function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index] ?? Number.NaN;
}

/** { median, min, max, n } of a list of numbers. */
export function summarise(values: readonly number[]): Summary {
  return { median: median(values), min: Math.min(...values), max: Math.max(...values), n: values.length };
}

export function round(value: number, digits = 2): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}

/** "12.3 (10.1–15.0)" for a summary. */
export function fmt(summary: Summary | null | undefined, digits = 1): string {
  if (!summary) return "n/a";
  const f = (v: number) => v.toFixed(digits);
  return summary.min === summary.max ? f(summary.median) : `${f(summary.median)} (${f(summary.min)}–${f(summary.max)})`;
}
