import { Link } from "@remix-run/react";

/** Ten recovery codes, each in its own <code>, shown once (after turning on, or "Get new recovery codes"). */
export function RecoveryCodes({ codes }: { codes: string[] }) {
  return (
    <section className="card" aria-labelledby="codes-title">
      <h1 id="codes-title">Save your recovery codes</h1>
      <p>
        If you lose your phone, each of these codes signs you in once instead of a code from the app. Keep them
        somewhere safe, such as a password manager or on paper: this is the only time they are shown.
      </p>
      <ol className="recovery-codes">
        {codes.map((code) => (
          <li key={code}>
            <code>{code}</code>
          </li>
        ))}
      </ol>
      <p className="card-footer">
        <Link to="/account/two-factor/">I have saved them</Link>
      </p>
    </section>
  );
}
