// The POST target of the devices list's "Sign out" buttons (the list itself is on /account/).
// A page route rather than a resource route, so its refusals (403, 404) render in the site's
// layout: Remix turns an error thrown by a resource route into a bare 500.
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/cloudflare";
import { data, redirect } from "@remix-run/cloudflare";
import { signOutDevices } from "~/account/devices.server";
import { redirectWithFlash, requireUser } from "~/auth/auth.server";
import { submitForm } from "~/http/form-action.server";
import { messages, serverMessages } from "~/messages";
import { SignOutDevicesSchema } from "~/validation";

export async function loader({ request, context }: LoaderFunctionArgs) {
  await requireUser(request, context);
  throw redirect("/account/");
}

export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requireUser(request, context);
  const submission = await submitForm(request, context, { schema: SignOutDevicesSchema });
  const target = submission.ok ? submission.data.session : undefined;
  // A reference that names none of this user's other sessions (missing, garbled, another user's,
  // already ended) is answered alike: nothing to sign out here.
  if (target === undefined || !(await signOutDevices(request, context, user, target))) {
    throw data({ message: messages.notFound }, { status: 404 });
  }
  throw await redirectWithFlash(request, context, "/account/", {
    kind: "success",
    text: serverMessages.devicesSignedOut,
  });
}

/** Never shown: a GET redirects, and a POST redirects or fails (the root's error page). */
export default function SignOutDevices() {
  return null;
}
