import { useEffect, useState } from "react";
import type { Flash } from "~/messages";

/** A one-time message; errors are announced at once, the rest politely. Dismissible once JS runs. */
export function FlashBanner({ flash }: { flash: Flash }) {
  const [visible, setVisible] = useState(true);
  const [hydrated, setHydrated] = useState(false);
  useEffect(() => setHydrated(true), []);
  useEffect(() => setVisible(true), [flash]);
  if (!visible) return null;
  return (
    <div className={`flash flash-${flash.kind}`} role={flash.kind === "error" ? "alert" : "status"}>
      <span className="flash-text">{flash.text}</span>
      {hydrated ? (
        <button type="button" className="flash-dismiss" onClick={() => setVisible(false)} aria-label="Dismiss message">
          ×
        </button>
      ) : null}
    </div>
  );
}
