// A page of /login/'s shape: a card with a heading, a form (two fields, a checkbox, a button), links.
import type { MetaFunction } from "@remix-run/cloudflare";
import { Form, Link } from "@remix-run/react";

export const meta: MetaFunction = () => [{ title: "Log in · Floor" }];

export default function Login() {
  return (
    <section className="card" aria-labelledby="login-title">
      <h1 id="login-title">Log in</h1>
      <Form method="post" action="/login/">
        <label htmlFor="email">Email</label>
        <input id="email" name="email" type="email" autoComplete="username" required />
        <label htmlFor="password">Password</label>
        <input id="password" name="password" type="password" autoComplete="current-password" required />
        <div className="checkbox">
          <input id="remember_me" name="remember_me" type="checkbox" value="y" />
          <label htmlFor="remember_me">Remember me</label>
        </div>
        <button type="submit">Log in</button>
      </Form>
      <p>
        <Link to="/forgot-password/">Forgot your password?</Link>
      </p>
      <p>
        <Link to="/register/">Need an account? Register</Link>
      </p>
    </section>
  );
}
