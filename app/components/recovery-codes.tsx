import { Card } from "~/components/card";

/** Ten recovery codes, each in its own <code>, shown once (after turning on, or "Get new recovery codes"). */
export function RecoveryCodes({ codes }: { codes: string[] }) {
  return (
    <Card
      id="recovery-codes"
      title="Save your recovery codes"
      footer={{ to: "/account/two-factor/", label: "I have saved them" }}
    >
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
    </Card>
  );
}
