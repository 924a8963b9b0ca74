import { defineConfig } from "drizzle-kit";

// drizzle-kit only writes SQL here; `wrangler d1 migrations apply DB` applies it.
export default defineConfig({
  dialect: "sqlite",
  schema: "./drizzle/schema.ts",
  out: "./migrations",
});
