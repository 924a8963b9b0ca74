import { useState } from "react";
import { useHydrated } from "remix-utils/use-hydrated";
import type { Flash } from "~/messages";

/**
 * A one-time message; errors are announced at once, the rest politely. Dismissible once JS runs.
 * Render it with a `key` per message so a new message shows even after the last was dismissed.
 */
export function FlashBanner({ flash }: { flash: Flash }) {
  const [visible, setVisible] = useState(true);
  const hydrated = useHydrated();
  if (!visible) return null;
  return (
    <div className={`flash flash-${flash.kind}`} role={flash.kind === "error" ? "alert" : "status"}>
      <span className="flash-text">{flash.text}</span>
      {hydrated ? (
        <button type="button" className="flash-dismiss" onClick={() => setVisible(false)} aria-label="Dismiss message">
          <span aria-hidden="true">×</span>
        </button>
      ) : null}
    </div>
  );
}
