import { Link } from "@remix-run/react";

export default function Home() {
  return (
    <section className="hero">
      <h1>Sign in at the edge</h1>
      <p className="lead">An account page served close to you, wherever you are.</p>
      <p>
        <Link to="/dash/" className="button">
          Go to your dashboard
        </Link>
      </p>
    </section>
  );
}
