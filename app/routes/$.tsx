// Any URL no other route claims: a 404 inside the site's layout, so the header still works.
import { data } from "@remix-run/cloudflare";
import { Link } from "@remix-run/react";
import { messages, pageMeta } from "~/messages";

export const meta = pageMeta("Page not found");

export function loader() {
  return data(null, { status: 404 });
}

export default function NotFound() {
  return (
    <section className="card narrow" aria-labelledby="not-found-title">
      <h1 id="not-found-title">Page not found</h1>
      <p>{messages.notFound}</p>
      <p>
        <Link to="/">Go to the home page</Link>
      </p>
    </section>
  );
}
