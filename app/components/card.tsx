import { Link } from "@remix-run/react";
import type { ReactNode } from "react";

/** Where a card's footer leads: most account pages lead back to the account. */
export type CardLink = { to: string; label: string };

export const backToAccount: CardLink = { to: "/account/", label: "Back to your account" };

/**
 * A page's card: a section named by its heading (`id` makes "<id>-title"), the content, and an
 * optional footer link. Every form page is one, so headings and landmarks read the same everywhere.
 */
export function Card({
  id,
  title,
  width,
  footer,
  children,
}: {
  id: string;
  title: ReactNode;
  width?: "wide" | "narrow";
  footer?: CardLink;
  children: ReactNode;
}) {
  return (
    <section className={width ? `card ${width}` : "card"} aria-labelledby={`${id}-title`}>
      <h1 id={`${id}-title`}>{title}</h1>
      {children}
      {footer ? (
        <p className="card-footer">
          <Link to={footer.to}>{footer.label}</Link>
        </p>
      ) : null}
    </section>
  );
}
