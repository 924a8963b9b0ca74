import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/cloudflare";
import { redirect } from "@remix-run/cloudflare";
import { getUser, logOut } from "~/auth/auth.server";
import { LogoutForm } from "~/components/logout-form";
import { submitForm } from "~/http/form-action.server";
import { pageMeta } from "~/messages";
import { EmptyFormSchema } from "~/validation";

export const meta = pageMeta("Log out");

// A GET never logs anyone out (links get prefetched and crawled): it only offers the button.
export async function loader({ request, context }: LoaderFunctionArgs) {
  if (!(await getUser(request, context))) throw redirect("/login/");
  return null;
}

export async function action({ request, context }: ActionFunctionArgs) {
  // Nothing to check but the CSRF token: a cross-site page must not log anyone out.
  await submitForm(request, context, { schema: EmptyFormSchema });
  return redirect("/", { status: 303, headers: { "Set-Cookie": await logOut(request, context) } });
}

export default function Logout() {
  return (
    <section className="card narrow" aria-labelledby="logout-title">
      <h1 id="logout-title">Log out</h1>
      <p>Log out of this browser?</p>
      <LogoutForm />
    </section>
  );
}
