import { type ReactNode, useState } from "react";
import { useAuthenticityToken } from "remix-utils/csrf/react";

type WebAuthn = typeof import("~/passkeys/webauthn.client");

/** What a passkey button keeps: the page's CSRF token, whether a ceremony is under way, the last error. */
export function usePasskeyCeremony() {
  const csrf = useAuthenticityToken();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  /**
   * Runs a ceremony a click started, busy meanwhile. The WebAuthn code loads now, not with the page;
   * what the ceremony throws becomes the message `explain` gives (null: none, the user cancelled).
   */
  async function run(
    ceremony: (webauthn: WebAuthn) => Promise<void>,
    explain: (caught: unknown, webauthn: WebAuthn) => string | null,
  ) {
    setBusy(true);
    setError(null);
    const webauthn = await import("~/passkeys/webauthn.client");
    try {
      await ceremony(webauthn);
    } catch (caught) {
      setError(explain(caught, webauthn));
    } finally {
      setBusy(false);
    }
  }
  return { csrf, error, setError, busy, setBusy, run };
}

type ButtonProps = {
  error: string | null;
  busy: boolean;
  pending: string;
  className: string;
  onClick: () => void;
  children: ReactNode;
};

/** A button that starts a passkey ceremony in the browser, with the last attempt's error above it. */
export function PasskeyButton({ error, busy, pending, className, onClick, children }: ButtonProps) {
  return (
    <>
      {error ? (
        <p className="form-error" role="alert">
          {error}
        </p>
      ) : null}
      <button type="button" className={className} onClick={onClick} disabled={busy}>
        {busy ? pending : children}
      </button>
    </>
  );
}

/** The passkey way offered below a password form (sign in, confirm it's you): a full-width button. */
export function PasskeyAlternative(props: Omit<ButtonProps, "className">) {
  return (
    <div className="passkey-sign-in">
      <PasskeyButton {...props} className="button secondary block" />
    </div>
  );
}
