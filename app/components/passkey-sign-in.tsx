// "Sign in with a passkey" on the login page, and the passkeys the browser offers in the email
// field's autofill (conditional mediation, started as the page loads where the browser supports it).
// Rendered only once JavaScript runs: without it the page is the password form alone. The WebAuthn
// code loads as its own small chunk after the page (a dynamic import), not with the page's JS.
import { type RefObject, useCallback, useEffect, useRef } from "react";
import { useHydrated } from "remix-utils/use-hydrated";
import { PasskeyAlternative, usePasskeyCeremony } from "~/components/passkey-button";

const FAILED = "Signing in with a passkey did not work. Try again, or use your password.";

export function PasskeySignIn({ formRef }: { formRef: RefObject<HTMLFormElement | null> }) {
  const hydrated = useHydrated();
  const { csrf, error, setError, busy, setBusy } = usePasskeyCeremony();
  const autofill = useRef<AbortController | null>(null);

  const signIn = useCallback(
    async (conditional: boolean) => {
      const webauthn = await import("~/passkeys/webauthn.client");
      if (conditional && !(await webauthn.supportsAutofill())) return;
      // One WebAuthn request at a time: the button takes over from the waiting autofill one.
      autofill.current?.abort();
      const controller = new AbortController();
      if (conditional) autofill.current = controller;
      let picked = false;
      try {
        const options = await webauthn.exchange("/login/passkey/options/", csrf, FAILED);
        if (!options) return;
        const credential = await webauthn.getPasskey(options, conditional, controller.signal);
        picked = true;
        setBusy(true);
        setError(null);
        const form = formRef.current;
        const remembered = form?.querySelector<HTMLInputElement>('input[name="remember_me"]')?.checked;
        const next = form?.querySelector<HTMLInputElement>('input[name="next"]')?.value ?? "";
        await webauthn.finish("/login/passkey/", csrf, FAILED, {
          credential,
          next,
          remember_me: remembered ? "y" : "",
        });
      } catch (caught) {
        setBusy(false);
        // Autofill waits quietly in the background: only what follows a pick is worth a message.
        if (conditional && !picked) return;
        if (!webauthn.wasCancelled(caught)) setError(webauthn.messageOf(caught, FAILED));
      }
    },
    [csrf, formRef, setBusy, setError],
  );

  useEffect(() => {
    if (!hydrated) return;
    signIn(true);
    return () => autofill.current?.abort();
  }, [hydrated, signIn]);

  if (!hydrated) return null;
  return (
    <PasskeyAlternative error={error} busy={busy} pending="Signing in…" onClick={() => signIn(false)}>
      Sign in with a passkey
    </PasskeyAlternative>
  );
}
