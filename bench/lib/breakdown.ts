// Which packages the bytes of the minified worker come from. esbuild's metafile sees the Remix server
// build (build/server/index.js) as one input, so this walks the worker's source map instead: with a
// server build made with `--sourcemapServer`, esbuild chains the maps back to the original files.
import { readFileSync } from "node:fs";
import { join } from "node:path";

const B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
const DIGIT = new Map([...B64].map((char, index) => [char, index]));

/** Decodes one mappings segment ("AAAA,CAAC") into its numbers. */
function decodeSegment(segment: string): number[] {
  const values: number[] = [];
  let value = 0;
  let shift = 0;
  for (const char of segment) {
    const digit = DIGIT.get(char) ?? 0;
    value += (digit & 31) << shift;
    if (digit & 32) {
      shift += 5;
    } else {
      values.push(value & 1 ? -(value >>> 1) : value >>> 1);
      value = 0;
      shift = 0;
    }
  }
  return values;
}

/** "react-dom", "@remix-run/router", "app", "build (unmapped)"… for a source path. */
function ownerOf(source: string): string {
  const path = source.replace(/^(\.\.\/)+/, "").replace(/^webpack:\/\//, "");
  // drizzle-orm's own source maps name "../src/…", which lands at node_modules/src/.
  if (path.includes("node_modules/src/")) return "drizzle-orm";
  if (path.endsWith("common-passwords.txt")) return "app/passwords/common-passwords.txt";
  const at = path.lastIndexOf("node_modules/");
  if (at >= 0) {
    const parts = path.slice(at + "node_modules/".length).split("/");
    return parts[0]?.startsWith("@") ? `${parts[0]}/${parts[1]}` : (parts[0] ?? path);
  }
  const app = path.indexOf("app/");
  if (app >= 0) return "app (own code)";
  if (path.includes("drizzle/")) return "drizzle schema (own code)";
  return path;
}

/** Bytes of `outdir/worker.js` per owning package, largest first. */
export function bytesByPackage(outdir: string): { owner: string; KiB: number }[] {
  const code = readFileSync(join(outdir, "worker.js"), "utf8");
  const map = JSON.parse(readFileSync(join(outdir, "worker.js.map"), "utf8")) as {
    mappings: string;
    sources: string[];
  };
  const lines = code.split("\n");
  const totals = new Map<string, number>();
  const add = (owner: string, bytes: number) => totals.set(owner, (totals.get(owner) ?? 0) + bytes);
  let sourceIndex = 0;
  const mappingLines = map.mappings.split(";");
  for (let lineNumber = 0; lineNumber < lines.length; lineNumber++) {
    const line = lines[lineNumber] ?? "";
    const lineBytes = Buffer.byteLength(line) + 1;
    const segments = (mappingLines[lineNumber] ?? "").split(",").filter(Boolean);
    let column = 0;
    let previous: string | null = null;
    let previousColumn = 0;
    for (const segment of segments) {
      const fields = decodeSegment(segment);
      column += fields[0] ?? 0;
      if (previous !== null) add(previous, column - previousColumn);
      else if (column > 0) add("(unmapped)", column);
      if (fields.length >= 4) {
        sourceIndex += fields[1] ?? 0;
        previous = ownerOf(map.sources[sourceIndex] ?? "(unknown)");
      } else {
        previous = "(unmapped)";
      }
      previousColumn = column;
    }
    if (previous !== null) add(previous, lineBytes - previousColumn);
    else add("(unmapped)", lineBytes);
  }
  return [...totals]
    .map(([owner, bytes]) => ({ owner, KiB: Math.round((bytes / 1024) * 10) / 10 }))
    .sort((a, b) => b.KiB - a.KiB);
}
