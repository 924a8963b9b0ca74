// Where the browser lives and how it is started: Debian's Chromium, never a downloaded one.
import { fileURLToPath } from "node:url";

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

export const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

/** Gitignored; printed at the start of every run. */
export const SCREENSHOT_DIR = fileURLToPath(new URL("./screenshots/", import.meta.url));
