import type { ReactNode } from "react";

/** A button that starts a passkey ceremony in the browser, with the last attempt's error above it. */
export function PasskeyButton({
  error,
  busy,
  pending,
  className,
  onClick,
  children,
}: {
  error: string | null;
  busy: boolean;
  pending: string;
  className: string;
  onClick: () => void;
  children: ReactNode;
}) {
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
