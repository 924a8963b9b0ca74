// The Worker: static files never reach it (the [assets] binding serves them first). Every other
// request passes the request guard, then goes to Remix with the bindings as load context, and
// every response leaves with the security headers (and pages with Server-Timing).
import { type AppLoadContext, createRequestHandler, type ServerBuild } from "@remix-run/cloudflare";
import { randomToken } from "~/crypto/random.server";
import { sweepExpired } from "~/database/cleanup.server";
import { deliverQueuedNotices } from "~/email/outbox.server";
import { guardRequest } from "~/http/request-guard.server";
import { withSecurityHeaders } from "~/http/security-headers.server";
import { withServerTiming } from "~/http/server-timing.server";
// @ts-expect-error: plain JS written by `npm run build` (untyped once built, missing before): its shape is ServerBuild.
import * as serverBuild from "../build/server";

const handleRemixRequest = createRequestHandler(serverBuild as unknown as ServerBuild);

/** The per-minute Cron Trigger of wrangler.toml (notices only; the hourly one sweeps too). */
const EVERY_MINUTE = "* * * * *";

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

  // Cron Triggers (wrangler.toml): every run sends the notices the operator commands queued, so one
  // waits a minute at most; all but the per-minute one also sweep (the hourly run, a manual trigger).
  // Measured from the trigger's own time, so a late or retried run sweeps what was due then. Both
  // finish even when one fails, and the run then reports the failure.
  async scheduled(controller, env) {
    const now = new Date(controller.scheduledTime);
    const work = [deliverQueuedNotices(env, now)];
    if (controller.cron !== EVERY_MINUTE) work.push(sweepExpired(env, now));
    const failed = (await Promise.allSettled(work)).find((result) => result.status === "rejected");
    if (failed) throw failed.reason;
  },
} satisfies ExportedHandler<Env>;
