// Any URL no other route claims: a 404 inside the site's layout, so the header still works.
import type { MetaFunction } from "@remix-run/cloudflare";
import { data } from "@remix-run/cloudflare";
import { Link } from "@remix-run/react";
import { messages, PRODUCT_NAME } from "~/messages";

export const meta: MetaFunction = () => [{ title: `Page not found · ${PRODUCT_NAME}` }];

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
