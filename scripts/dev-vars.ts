// Writes the local secrets `npm run dev` needs into .dev.vars (scripts/lib/dev-vars.ts says what and why).
import { writeDevVars } from "./lib/dev-vars.ts";

writeDevVars();
