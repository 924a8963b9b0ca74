// `npx node scripts/generate-flask-users.ts N FILE` (Node 24, from node_modules): a CSV shaped like
// the Flask site's export, N users with well-formed (not crackable: random digests) werkzeug hashes,
// to measure `npm run users:import`.
import { randomBytes } from "node:crypto";
import { createWriteStream } from "node:fs";

const [count = "100000", file = "users-generated.csv"] = process.argv.slice(2);
const out = createWriteStream(file);
out.write("id,email,first_name,last_name,password_hash,last_login_at,login_count\n");
const hex = (bytes: number) => randomBytes(bytes).toString("hex");
for (let i = 1; i <= Number(count); i++) {
  const hash = i % 2 ? `pbkdf2:sha256:260000$${hex(8)}$${hex(32)}` : `scrypt:32768:8:1$${hex(8)}$${hex(64)}`;
  const lastLogin = i % 5 ? `2024-0${(i % 9) + 1}-1${i % 10} 0${i % 10}:12:34.${String(i % 1e6).padStart(6, "0")}` : "";
  out.write(`${i},user${i}@example.com,First${i},"Last, ${i}",${hash},${lastLogin},${i % 7 ? i % 50 : ""}\n`);
}
out.end();
