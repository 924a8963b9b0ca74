// /account/passkeys/ (docs/product.md "Passkeys"): the account's passkeys, newest first, each with
// its name, when it was added and last used, "Rename" and "Remove"; and "Add a passkey", which needs
// JavaScript (WebAuthn is a browser API). Removing needs a recent confirmation; so does adding (its
// own routes, account_.passkeys.options.ts and account_.passkeys.new.ts).
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/cloudflare";
import { data } from "@remix-run/cloudflare";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { AuthenticityTokenInput } from "remix-utils/csrf/react";
import { useHydrated } from "remix-utils/use-hydrated";
import * as z from "zod/v4-mini";
import { audit } from "~/auth/audit.server";
import { redirectWithFlash, requireUser } from "~/auth/auth.server";
import { requireConfirmedUser } from "~/auth/confirm.server";
import { listPasskeys, removePasskey, renamePasskey } from "~/auth/passkeys/passkeys.server";
import { Field } from "~/components/fields";
import { PasskeyButton, usePasskeyCeremony } from "~/components/passkey-button";
import { usePendingSubmit } from "~/components/use-pending-submit";
import { UtcTime } from "~/components/utc-time";
import { config } from "~/config";
import { getDb } from "~/database/db.server";
import { sendSecurityNotice } from "~/email/notices.server";
import { submitForm } from "~/http/form-action.server";
import { messages, pageMeta, serverMessages } from "~/messages";

export const meta = pageMeta("Passkeys");

const PAGE = "/account/passkeys/";

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requireUser(request, context);
  const passkeys = await listPasskeys(getDb(context), user.id);
  return {
    passkeys: passkeys.map((passkey) => ({
      id: passkey.id,
      name: passkey.name,
      createdAt: passkey.createdAt.toISOString(),
      lastUsedAt: passkey.lastUsedAt?.toISOString() ?? null,
    })),
  };
}

// Rename or remove: which passkey, and for a rename its new name (trimmed, 1 to 60 characters).
const PasskeyForm = z.object({
  intent: z.enum(["remove", "rename"]),
  passkey: z.string(),
  name: z.optional(
    z
      .string()
      .check(
        z.trim(),
        z.minLength(1, serverMessages.passkeyNameRequired),
        z.maxLength(config.passkeys.nameMax, serverMessages.passkeyNameTooLong),
      ),
  ),
});

export async function action({ request, context }: ActionFunctionArgs) {
  const { env } = context.cloudflare;
  const user = await requireUser(request, context);
  const submission = await submitForm(request, context, {
    schema: PasskeyForm,
    keep: ["passkey", "name"],
    ipLimit: "refuse",
  });
  if (!submission.ok) return submission.reply;
  const { intent, passkey: id, name } = submission.data;
  const db = getDb(context);
  if (intent === "rename") {
    if (name === undefined) return submission.reject({ name: serverMessages.passkeyNameRequired });
    if (!(await renamePasskey(db, user.id, id, name))) throw data({ message: messages.notFound }, { status: 404 });
    throw await redirectWithFlash(request, context, PAGE, { kind: "success", text: serverMessages.passkeyRenamed });
  }
  // Removing changes how the account signs in: a 303 to "Confirm it's you" unless done lately.
  await requireConfirmedUser(request, context);
  // Another user's passkey, or one already removed: nothing here to remove.
  const removed = await removePasskey(db, user.id, id);
  if (removed === null) throw data({ message: messages.notFound }, { status: 404 });
  await audit("passkey_removed", request, env, user.id);
  sendSecurityNotice(request, context, user, "passkey_removed", { passkey: removed });
  throw await redirectWithFlash(request, context, PAGE, { kind: "success", text: serverMessages.passkeyRemoved });
}

export default function Passkeys() {
  const { passkeys } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const pending = usePendingSubmit(PAGE);
  return (
    <section className="card wide" aria-labelledby="passkeys-title">
      <h1 id="passkeys-title">Passkeys</h1>
      <p>A passkey signs you in with your fingerprint, face, screen lock or security key instead of your password.</p>
      {passkeys.length === 0 ? <p className="muted">You have no passkeys yet.</p> : null}
      <ul className="devices passkeys">
        {passkeys.map((passkey, index) => {
          const labelId = `passkey-${index}`;
          // A refused rename shows its message beside the field of the passkey it was for.
          const renameError = result?.values.passkey === passkey.id ? result.errors.name : undefined;
          return (
            <li key={passkey.id} className="device">
              <div className="device-facts">
                <strong id={labelId}>{passkey.name}</strong>
                <span className="device-meta">
                  Added <UtcTime iso={passkey.createdAt} /> ·{" "}
                  {passkey.lastUsedAt ? (
                    <>
                      Last used <UtcTime iso={passkey.lastUsedAt} />
                    </>
                  ) : (
                    "Never used"
                  )}
                </span>
                <details open={Boolean(renameError)}>
                  <summary>Rename</summary>
                  <Form method="post" action={PAGE} noValidate>
                    <AuthenticityTokenInput />
                    <input type="hidden" name="passkey" value={passkey.id} />
                    <Field
                      label="New name"
                      name="name"
                      maxLength={60}
                      required
                      defaultValue={renameError ? result?.values.name : passkey.name}
                      error={renameError}
                    />
                    <button
                      type="submit"
                      name="intent"
                      value="rename"
                      className="button secondary small"
                      disabled={pending}
                    >
                      Save name
                    </button>
                  </Form>
                </details>
              </div>
              <Form method="post" action={PAGE}>
                <AuthenticityTokenInput />
                <input type="hidden" name="passkey" value={passkey.id} />
                <button
                  type="submit"
                  name="intent"
                  value="remove"
                  className="button secondary small"
                  aria-describedby={labelId}
                  disabled={pending}
                >
                  Remove
                </button>
              </Form>
            </li>
          );
        })}
      </ul>
      <AddPasskey />
    </section>
  );
}

const NOT_ADDED = "The passkey could not be added.";

/** "Add a passkey": the browser creates it; the script loads with the first click. Without JS, a note. */
function AddPasskey() {
  const hydrated = useHydrated();
  const { csrf, error, busy, run } = usePasskeyCeremony();
  if (!hydrated) return <p className="muted">Adding a passkey needs JavaScript.</p>;
  const add = () =>
    run(
      async (webauthn) => {
        const options = await webauthn.exchange("/account/passkeys/options/", csrf, NOT_ADDED);
        if (!options) return;
        const credential = await webauthn.createPasskey(options);
        await webauthn.finish("/account/passkeys/new/", csrf, NOT_ADDED, { credential });
      },
      (caught, webauthn) => {
        if (webauthn.wasCancelled(caught)) return "No passkey was added.";
        if (caught instanceof DOMException && caught.name === "InvalidStateError")
          return "That passkey is already registered.";
        return webauthn.messageOf(caught, NOT_ADDED);
      },
    );
  return (
    <div className="add-passkey">
      <PasskeyButton error={error} busy={busy} pending="Adding…" className="button" onClick={add}>
        Add a passkey
      </PasskeyButton>
    </div>
  );
}
