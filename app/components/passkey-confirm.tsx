// "Use a passkey" on "Confirm it's you": the browser asks for one of this account's passkeys (user
// verification required) and the session is confirmed with it. Rendered only once JavaScript runs;
// the WebAuthn code loads with the first click (a dynamic import), not with the page.
import { useHydrated } from "remix-utils/use-hydrated";
import { PasskeyAlternative, usePasskeyCeremony } from "~/components/passkey-button";

const FAILED = "Confirming with a passkey did not work. Try again, or type your password.";

export function PasskeyConfirm({ next }: { next: string }) {
  const hydrated = useHydrated();
  const { csrf, error, busy, run } = usePasskeyCeremony();
  if (!hydrated) return null;

  const confirm = () =>
    run(
      async (webauthn) => {
        // Null: signed out meanwhile, and on the way to sign in.
        const options = await webauthn.exchange("/account/confirm/passkey/options/", csrf, FAILED);
        if (!options) return;
        const credential = await webauthn.getPasskey(options, false);
        await webauthn.finish("/account/confirm/passkey/", csrf, FAILED, { credential, next });
      },
      (caught, webauthn) => (webauthn.wasCancelled(caught) ? null : webauthn.messageOf(caught, FAILED)),
    );

  return (
    <PasskeyAlternative error={error} busy={busy} pending="Confirming…" onClick={confirm}>
      Use a passkey
    </PasskeyAlternative>
  );
}
