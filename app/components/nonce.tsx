import { createContext, useContext } from "react";

// The CSP nonce for this render. Browsers hide nonce attributes from scripts after load, so on
// the client it is empty, and that's fine: only the server-rendered scripts need it.
const NonceContext = createContext("");

export const NonceProvider = NonceContext.Provider;

export function useNonce(): string {
  return useContext(NonceContext);
}
