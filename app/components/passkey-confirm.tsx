// "Use a passkey" on "Confirm it's you": the browser asks for one of this account's passkeys (user
// verification required) and the session is confirmed with it. Rendered only once JavaScript runs;
// the WebAuthn code loads with the first click (a dynamic import), not with the page.
import { useState } from "react";
import { useAuthenticityToken } from "remix-utils/csrf/react";
import { useHydrated } from "remix-utils/use-hydrated";
import { PasskeyButton } from "~/components/passkey-button";

const FAILED = "Confirming with a passkey did not work. Try again, or type your password.";

export function PasskeyConfirm({ next }: { next: string }) {
  const hydrated = useHydrated();
  const csrf = useAuthenticityToken();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  if (!hydrated) return null;

  async function confirm() {
    setBusy(true);
    setError(null);
    const webauthn = await import("~/passkeys/webauthn.client");
    try {
      const options = await webauthn.post("/account/confirm/passkey/options/", csrf);
      // Signed out meanwhile: the answer says where to sign in.
      if (typeof options.body.redirect === "string") return window.location.assign(options.body.redirect);
      if (!options.ok) throw new Error(String(options.body.error ?? FAILED));
      const credential = await webauthn.getPasskey(options.body, false);
      const answer = await webauthn.post("/account/confirm/passkey/", csrf, { credential, next });
      if (typeof answer.body.redirect === "string") return window.location.assign(answer.body.redirect);
      throw new Error(String(answer.body.error ?? FAILED));
    } catch (caught) {
      if (!webauthn.wasCancelled(caught)) setError(caught instanceof Error && caught.message ? caught.message : FAILED);
    } finally {
      setBusy(false);
    }
  }

  return (
    <div className="passkey-sign-in">
      <PasskeyButton
        error={error}
        busy={busy}
        pending="Confirming…"
        className="button secondary block"
        onClick={confirm}
      >
        Use a passkey
      </PasskeyButton>
    </div>
  );
}
