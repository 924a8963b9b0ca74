// The POST target of the devices list's "Sign out" buttons (the list itself is on /account/).
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/cloudflare";
import { data, redirect } from "@remix-run/cloudflare";
import { signOutDevices } from "~/account/devices.server";
import { redirectWithFlash, requireUser } from "~/auth/auth.server";
import { readPostedForm } from "~/http/form.server";
import { messages, serverMessages } from "~/messages";

export async function loader({ request, context }: LoaderFunctionArgs) {
  await requireUser(request, context);
  throw redirect("/account/");
}

export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requireUser(request, context);
  const form = await readPostedForm(request, context);
  const target = form.get("session");
  // A reference that names none of this user's other sessions (missing, garbled, another user's,
  // already ended) is answered alike: nothing to sign out here.
  if (typeof target !== "string" || !(await signOutDevices(request, context, user, target))) {
    throw data({ message: messages.notFound }, { status: 404 });
  }
  throw await redirectWithFlash(request, context, "/account/", {
    kind: "success",
    text: serverMessages.devicesSignedOut,
  });
}
