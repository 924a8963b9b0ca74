// The floor's worker: Remix's request handler with the bindings as load context, nothing else.
import { type AppLoadContext, createRequestHandler, type ServerBuild } from "@remix-run/cloudflare";
// @ts-expect-error: plain JS written by the floor's build (untyped once built, missing before).
import * as serverBuild from "./build/server";

const handleRemixRequest = createRequestHandler(serverBuild as unknown as ServerBuild);

export default {
  fetch: (request, env, ctx) =>
    handleRemixRequest(request, { cloudflare: { env, ctx, cf: request.cf } } as unknown as AppLoadContext),
} satisfies ExportedHandler<{ DB: D1Database }>;
