import { Scripts } from "@remix-run/react";
import { Children, cloneElement, isValidElement, type ReactElement, type ReactNode } from "react";

/**
 * Remix's `<Scripts nonce>` with the nonce on its `<link rel="modulepreload">` too: Remix puts it on
 * its inline scripts only, and the CSP's 'strict-dynamic' blocks a preload without it. Giving the
 * links their nonce as they render replaces an HTMLRewriter pass over every page's HTML, which took
 * about a tenth of a page's CPU (bench/results.md, "Where one GET /login/ goes").
 */
export function ScriptsWithNonce({ nonce }: { nonce: string }) {
  // Scripts is a function component: called here, its hooks run in this component, in the same
  // order on every render. Its result is null once hydrated, else a fragment of links and scripts
  // (a version of Remix that renders them otherwise fails tests/integration/security/headers.test.ts).
  const rendered = Scripts({ nonce });
  if (!isValidElement<{ children?: ReactNode }>(rendered)) return rendered;
  return (
    <>
      {Children.map(rendered.props.children, (child) =>
        isValidElement(child) && child.type === "link"
          ? cloneElement(child as ReactElement<{ nonce?: string }>, { nonce })
          : child,
      )}
    </>
  );
}
