import type { LoaderFunctionArgs } from "@remix-run/cloudflare";
import { useLoaderData } from "@remix-run/react";
import { requireUser } from "~/auth/auth.server";
import { LogoutForm } from "~/components/logout-form";
import { UnconfirmedEmail } from "~/components/unconfirmed-email";
import { UtcTime } from "~/components/utc-time";
import { pageMeta } from "~/messages";

export const meta = pageMeta("Dashboard");

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requireUser(request, context);
  return {
    firstName: user.firstName,
    lastName: user.lastName,
    email: user.email,
    emailConfirmed: user.emailConfirmedAt !== null,
    loginCount: user.loginCount,
    // Set by every login after the first, and by the first login of a user imported with a
    // last_login_at (whatever their imported count), so its presence alone decides.
    previousLoginAt: user.previousLoginAt?.toISOString() ?? null,
  };
}

export default function Dashboard() {
  const user = useLoaderData<typeof loader>();
  return (
    <section className="card wide" aria-labelledby="dash-title">
      <h1 id="dash-title">{`Welcome, ${user.firstName} ${user.lastName}`}</h1>
      {user.emailConfirmed ? null : <UnconfirmedEmail back="/dash/" />}
      <ul className="facts">
        <li>
          <span className="fact-label">Email:</span> {user.email}
        </li>
        <li>
          <span className="fact-label">Logins:</span> {user.loginCount}
        </li>
        <li>
          {user.previousLoginAt ? (
            <>
              <span className="fact-label">Previous login:</span> <UtcTime iso={user.previousLoginAt} />
            </>
          ) : (
            "This is your first login"
          )}
        </li>
      </ul>
      <LogoutForm className="button secondary" />
    </section>
  );
}
