import { useNavigation } from "@remix-run/react";

/**
 * True (JS on) from the moment a form posts to `action` until the page it leads to has loaded.
 * That includes the load of the redirect after a successful post: a button enabled again at that
 * point takes a second click as a second post (a second registration of the same email, which
 * then shows "already registered"; or a login with the CSRF token the first login replaced: a 403).
 */
export function usePendingSubmit(action: string): boolean {
  const navigation = useNavigation();
  if (navigation.state === "idle" || !navigation.formAction) return false;
  return pathOf(navigation.formAction) === pathOf(action);
}

function pathOf(href: string): string {
  return new URL(href, "http://local.invalid").pathname.replace(/\/+$/, "");
}
