import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/cloudflare";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { AuthenticityTokenInput } from "remix-utils/csrf/react";
import { updateProfile } from "~/account/account.server";
import { listDevices } from "~/account/devices.server";
import { redirectWithFlash, requireUser } from "~/auth/auth.server";
import { NameFields } from "~/components/fields";
import { UnconfirmedEmail } from "~/components/unconfirmed-email";
import { useFormValidation } from "~/components/use-form-validation";
import { usePendingSubmit } from "~/components/use-pending-submit";
import { UtcTime } from "~/components/utc-time";
import { submitForm } from "~/http/form-action.server";
import { pageMeta, serverMessages } from "~/messages";
import { ProfileSchema } from "~/validation";

export const meta = pageMeta("Account");

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requireUser(request, context);
  return {
    email: user.email,
    emailConfirmed: user.emailConfirmedAt !== null,
    firstName: user.firstName,
    lastName: user.lastName,
    devices: await listDevices(context, user),
  };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requireUser(request, context);
  const submission = await submitForm(request, context, { schema: ProfileSchema, keep: ["first_name", "last_name"] });
  if (!submission.ok) return submission.reply;
  await updateProfile(request, context, user, submission.data);
  throw await redirectWithFlash(request, context, "/account/", { kind: "success", text: serverMessages.detailsSaved });
}

export default function Account() {
  const account = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const { formRef, onSubmit, errors } = useFormValidation(ProfileSchema, result?.errors);
  const saving = usePendingSubmit("/account/");
  const signingOut = usePendingSubmit("/account/sessions/");
  const others = account.devices.filter((device) => device.reference !== null).length;
  return (
    <section className="card wide" aria-labelledby="account-title">
      <h1 id="account-title">Your account</h1>
      {account.emailConfirmed ? null : <UnconfirmedEmail back="/account/" />}

      <section className="account-section" aria-labelledby="profile-title">
        <h2 id="profile-title">Profile</h2>
        <ul className="facts">
          <li>
            <span className="fact-label">Email:</span> {account.email}{" "}
            <Link to="/account/email/">Change email address</Link>
          </li>
        </ul>
        <Form method="post" action="/account/" noValidate ref={formRef} onSubmit={onSubmit}>
          <AuthenticityTokenInput />
          <NameFields
            values={{
              first_name: result?.values.first_name ?? account.firstName,
              last_name: result?.values.last_name ?? account.lastName,
            }}
            errors={errors}
          />
          <button type="submit" className="button" disabled={saving}>
            {saving ? "Saving…" : "Save"}
          </button>
        </Form>
      </section>

      <section className="account-section" aria-labelledby="password-title">
        <h2 id="password-title">Password</h2>
        <p>
          <Link to="/account/password/">Change password</Link>
        </p>
      </section>

      <section className="account-section" aria-labelledby="passkeys-title">
        <h2 id="passkeys-title">Passkeys</h2>
        <p>
          <Link to="/account/passkeys/">Manage passkeys</Link>
        </p>
      </section>
      <section className="account-section" aria-labelledby="devices-title">
        <h2 id="devices-title">Signed-in devices</h2>
        {/* One form for every button: each posts its own `session` value ("others": OTHER_DEVICES in devices.server.ts). */}
        <Form method="post" action="/account/sessions/">
          <AuthenticityTokenInput />
          <ul className="devices">
            {account.devices.map((device, index) => {
              const labelId = `device-${index}`;
              return (
                <li key={device.reference ?? "this-device"} className="device">
                  <div className="device-facts">
                    <strong id={labelId}>{device.label ?? "Unknown device"}</strong>
                    <span className="device-meta">
                      {device.place ? `${device.place} · ` : null}Signed in <UtcTime iso={device.signedInAt} />
                    </span>
                  </div>
                  {device.reference === null ? (
                    <span className="badge">This device</span>
                  ) : (
                    <button
                      type="submit"
                      name="session"
                      value={device.reference}
                      className="button secondary small"
                      aria-describedby={labelId}
                      disabled={signingOut}
                    >
                      Sign out
                    </button>
                  )}
                </li>
              );
            })}
          </ul>
          {others > 0 ? (
            <button type="submit" name="session" value="others" className="button secondary" disabled={signingOut}>
              Sign out of all other devices
            </button>
          ) : (
            <p className="muted">No other device is signed in.</p>
          )}
        </Form>
      </section>

      <section className="account-section" aria-labelledby="delete-title">
        <h2 id="delete-title">Delete account</h2>
        <p>
          <Link to="/account/delete/" className="danger-link">
            Delete account
          </Link>
        </p>
      </section>
    </section>
  );
}
