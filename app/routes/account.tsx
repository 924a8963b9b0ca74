import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/cloudflare";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { AuthenticityTokenInput } from "remix-utils/csrf/react";
import { updateProfile } from "~/account/account.server";
import { listDevices } from "~/account/devices.server";
import { redirectWithFlash, requireUser } from "~/auth/auth.server";
import { Card } from "~/components/card";
import { NameFields } from "~/components/fields";
import { PostForm, usePostForm } from "~/components/post-form";
import { UnconfirmedEmail } from "~/components/unconfirmed-email";
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
  const form = usePostForm("/account/", "ProfileSchema", result?.errors);
  const signingOut = usePendingSubmit("/account/sessions/");
  const others = account.devices.filter((device) => device.reference !== null).length;
  return (
    <Card id="account" title="Your account" width="wide">
      {account.emailConfirmed ? null : <UnconfirmedEmail back="/account/" />}

      <section className="account-section" aria-labelledby="profile-title">
        <h2 id="profile-title">Profile</h2>
        <ul className="facts">
          <li>
            <span className="fact-label">Email:</span> {account.email}{" "}
            <Link to="/account/email/">Change email address</Link>
          </li>
        </ul>
        <PostForm form={form} submit="Save" pending="Saving…" buttonClass="button">
          <NameFields
            values={{
              first_name: result?.values.first_name ?? account.firstName,
              last_name: result?.values.last_name ?? account.lastName,
            }}
            errors={form.errors}
          />
        </PostForm>
      </section>

      <LinkSection id="password" title="Password" to="/account/password/" label="Change password" />
      <LinkSection id="passkeys" title="Passkeys" to="/account/passkeys/" label="Manage passkeys" />
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

      <LinkSection id="delete" title="Delete account" to="/account/delete/" label="Delete account" danger />
    </Card>
  );
}

/** A section of the account page that only leads to the page where its setting changes. */
function LinkSection({
  id,
  title,
  to,
  label,
  danger,
}: {
  id: string;
  title: string;
  to: string;
  label: string;
  danger?: boolean;
}) {
  return (
    <section className="account-section" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>{title}</h2>
      <p>
        <Link to={to} className={danger ? "danger-link" : undefined}>
          {label}
        </Link>
      </p>
    </section>
  );
}
