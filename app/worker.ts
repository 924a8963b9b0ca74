// The Worker: static files never reach it (the [assets] binding serves them first). Every other
// request passes the request guard, then goes to Remix with the bindings as load context, and
// every response leaves with the security headers (and pages with Server-Timing).
import { type AppLoadContext, createRequestHandler, type ServerBuild } from "@remix-run/cloudflare";
import { randomToken } from "~/crypto/random.server";
import { sweepExpired } from "~/database/cleanup.server";
import { guardRequest } from "~/http/request-guard.server";
import { withSecurityHeaders } from "~/http/security-headers.server";
import { withServerTiming } from "~/http/server-timing.server";
// @ts-expect-error: plain JS written by `npm run build` (untyped once built, missing before): its shape is ServerBuild.
import * as serverBuild from "../build/server";

const handleRemixRequest = createRequestHandler(serverBuild as unknown as ServerBuild);

export default {
  async fetch(request, env, ctx) {
    const startedAt = Date.now();
    const cspNonce = randomToken(16);
    const context: AppLoadContext = {
      cloudflare: { env, ctx, cf: request.cf },
      requestMethod: request.method,
      cspNonce,
      d1Usage: { roundTrips: 0, ms: 0 },
    };
    const guarded = await guardRequest(request, env);
    const response = guarded instanceof Response ? guarded : await handleRemixRequest(guarded, context);
    return withSecurityHeaders(withServerTiming(response, request, context, startedAt), request, cspNonce);
  },

  // Measured from the trigger's own time, so a late or retried run sweeps what was due then.
  async scheduled(controller, env) {
    await sweepExpired(env, new Date(controller.scheduledTime));
  },
} satisfies ExportedHandler<Env>;
