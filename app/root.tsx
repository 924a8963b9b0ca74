import type { LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/cloudflare";
import { data } from "@remix-run/cloudflare";
import {
  isRouteErrorResponse,
  Links,
  Meta,
  Outlet,
  Scripts,
  ScrollRestoration,
  useRouteError,
  useRouteLoaderData,
} from "@remix-run/react";
import type { ReactNode } from "react";
import { AuthenticityTokenProvider } from "remix-utils/csrf/react";
import { getUser } from "~/auth/auth.server";
import { ensureCsrfToken } from "~/auth/csrf.server";
import { getCookieSession } from "~/auth/session-cookie.server";
import { FlashBanner } from "~/components/flash-banner";
import { useNonce } from "~/components/nonce";
import { SiteHeader } from "~/components/site-header";
import { messages, PRODUCT_NAME } from "~/messages";
import stylesheet from "~/styles.css?url";

export const links: LinksFunction = () => [
  { rel: "stylesheet", href: stylesheet },
  { rel: "icon", href: "/favicon.svg", type: "image/svg+xml" },
];

export const meta: MetaFunction = ({ error }) => [
  { title: error ? `${errorTitle(isRouteErrorResponse(error) ? error.status : 500)} · ${PRODUCT_NAME}` : PRODUCT_NAME },
  { name: "description", content: "Sign up and sign in, served from the edge." },
];

function errorTitle(status: number): string {
  if (status === 404) return "Page not found";
  if (status === 403) return "Request refused";
  if (status === 400 || status === 413 || status === 415) return "Request not understood";
  return messages.serverError;
}

export async function loader({ request, context }: LoaderFunctionArgs) {
  const [user, { session, commit }] = await Promise.all([
    getUser(request, context),
    getCookieSession(request, context),
  ]);
  const csrf = ensureCsrfToken(session);
  const flash = session.get("flash") ?? null;
  // Commit only when something changed: a new CSRF token, or a flash now shown (and so spent).
  const headers = csrf.created || flash ? { "Set-Cookie": await commit() } : undefined;
  return data({ user: user && { firstName: user.firstName }, csrf: csrf.token, flash }, { headers });
}

// The header shows who is signed in and flashes must show wherever they land: always reload.
export const shouldRevalidate = () => true;

export function Layout({ children }: { children: ReactNode }) {
  const root = useRouteLoaderData<typeof loader>("root");
  const nonce = useNonce();
  return (
    <html lang="en">
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="color-scheme" content="light dark" />
        <Meta />
        <Links />
      </head>
      <body>
        <AuthenticityTokenProvider token={root?.csrf ?? ""}>
          <SiteHeader user={root?.user ?? null} />
          <main className="page">
            {root?.flash ? <FlashBanner key={root.flash.text} flash={root.flash} /> : null}
            {children}
          </main>
        </AuthenticityTokenProvider>
        <ScrollRestoration nonce={nonce} />
        <Scripts nonce={nonce} />
      </body>
    </html>
  );
}

export default function App() {
  return <Outlet />;
}

export function ErrorBoundary() {
  const error = useRouteError();
  const status = isRouteErrorResponse(error) ? error.status : 500;
  const message = isRouteErrorResponse(error) && typeof error.data?.message === "string" ? error.data.message : null;
  const title = errorTitle(status);
  return (
    <section className="card narrow" aria-labelledby="error-title">
      <h1 id="error-title">{title}</h1>
      <p>{status === 404 ? messages.notFound : (message ?? "Please try again in a moment.")}</p>
      <p>
        <a href="/">Go to the home page</a>
      </p>
    </section>
  );
}
