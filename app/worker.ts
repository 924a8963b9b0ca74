// The Worker: static files never reach it (the [assets] binding serves them first);
// everything else passes the request guard, then goes to Remix with the bindings as load context.
import { createRequestHandler, type ServerBuild } from "@remix-run/cloudflare";
import { guardRequest } from "~/utils/request-guard.server";
// @ts-expect-error: plain JS written by `npm run build` (untyped once built, missing before): its shape is ServerBuild.
import * as serverBuild from "../build/server";

const handleRemixRequest = createRequestHandler(serverBuild as unknown as ServerBuild);

export default {
  async fetch(request, env, ctx) {
    const guarded = await guardRequest(request);
    if (guarded instanceof Response) return guarded;
    const response = await handleRemixRequest(guarded, { cloudflare: { env, ctx } });
    // Pages carry CSRF tokens and personal data: no shared or browser cache may keep them.
    if (!response.headers.has("Cache-Control")) response.headers.set("Cache-Control", "no-store");
    return response;
  },
} satisfies ExportedHandler<Env>;
