import { Link, NavLink } from "@remix-run/react";
import { LogoutForm } from "~/components/logout-form";
import { PRODUCT_NAME } from "~/messages";

export function SiteHeader({ user }: { user: { firstName: string } | null }) {
  return (
    <header className="site-header">
      <nav className="site-nav" aria-label="Main">
        <Link to="/" className="brand">
          <span aria-hidden="true" className="brand-mark">
            ◆
          </span>
          {PRODUCT_NAME}
        </Link>
        <ul className="nav-links">
          {user ? (
            <>
              <li className="nav-user">{user.firstName}</li>
              <li>
                <NavLink to="/dash/">Dashboard</NavLink>
              </li>
              <li>
                <NavLink to="/account/">Account</NavLink>
              </li>
              <li>
                <LogoutForm className="link-button" />
              </li>
            </>
          ) : (
            <>
              <li>
                <NavLink to="/login/">Log in</NavLink>
              </li>
              <li>
                <NavLink to="/register/" className="button-small">
                  Register
                </NavLink>
              </li>
            </>
          )}
        </ul>
      </nav>
    </header>
  );
}
