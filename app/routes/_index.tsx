import { Link } from "@remix-run/react";

export default function Home() {
  return (
    <section className="hero" aria-labelledby="home-title">
      <h1 id="home-title">Sign in at the edge</h1>
      <p className="lead">An account page served close to you, wherever you are.</p>
      <p>
        <Link to="/dash/" className="button">
          Go to your dashboard
        </Link>
      </p>
      <ul className="features">
        <li>
          <strong>Strong passwords</strong>
          Stored as argon2id hashes, never in plain text.
        </li>
        <li>
          <strong>Sessions you control</strong>
          Log out and the session ends on the server too.
        </li>
        <li>
          <strong>Works everywhere</strong>
          Every page works with or without JavaScript.
        </li>
      </ul>
    </section>
  );
}
