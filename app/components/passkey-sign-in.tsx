// "Sign in with a passkey" on the login page, and the passkeys the browser offers in the email
// field's autofill (conditional mediation, started as the page loads where the browser supports it).
// Rendered only once JavaScript runs: without it the page is the password form alone. The WebAuthn
// code loads as its own small chunk after the page (a dynamic import), not with the page's JS.
import { type RefObject, useCallback, useEffect, useRef, useState } from "react";
import { useAuthenticityToken } from "remix-utils/csrf/react";
import { useHydrated } from "remix-utils/use-hydrated";
import { PasskeyButton } from "~/components/passkey-button";

const FAILED = "Signing in with a passkey did not work. Try again, or use your password.";

export function PasskeySignIn({ formRef }: { formRef: RefObject<HTMLFormElement | null> }) {
  const hydrated = useHydrated();
  const csrf = useAuthenticityToken();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
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
        const options = await webauthn.post("/login/passkey/options/", csrf);
        if (!options.ok) throw new Error(String(options.body.error ?? FAILED));
        const credential = await webauthn.getPasskey(options.body, conditional, controller.signal);
        picked = true;
        setBusy(true);
        setError(null);
        const form = formRef.current;
        const remembered = form?.querySelector<HTMLInputElement>('input[name="remember_me"]')?.checked;
        const next = form?.querySelector<HTMLInputElement>('input[name="next"]')?.value ?? "";
        const answer = await webauthn.post("/login/passkey/", csrf, {
          credential,
          next,
          remember_me: remembered ? "y" : "",
        });
        if (typeof answer.body.redirect === "string") return window.location.assign(answer.body.redirect);
        throw new Error(String(answer.body.error ?? FAILED));
      } catch (caught) {
        setBusy(false);
        // Autofill waits quietly in the background: only what follows a pick is worth a message.
        if (conditional && !picked) return;
        if (!webauthn.wasCancelled(caught))
          setError(caught instanceof Error && caught.message ? caught.message : FAILED);
      }
    },
    [csrf, formRef],
  );

  useEffect(() => {
    if (!hydrated) return;
    signIn(true);
    return () => autofill.current?.abort();
  }, [hydrated, signIn]);

  if (!hydrated) return null;
  return (
    <div className="passkey-sign-in">
      <PasskeyButton
        error={error}
        busy={busy}
        pending="Signing in…"
        className="button secondary block"
        onClick={() => signIn(false)}
      >
        Sign in with a passkey
      </PasskeyButton>
    </div>
  );
}
