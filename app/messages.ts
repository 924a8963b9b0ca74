// Every user-visible message, in one table, so wording stays consistent and testable.
// The texts in quotes in docs/product.md are kept word for word: the Flask site's users know them.
import type { MetaFunction } from "@remix-run/cloudflare";
import { config } from "~/config";

const { limits } = config;

export const PRODUCT_NAME = "Edge Auth";

export const messages = {
  registered: "You have successfully registered! You may now login.",
  loggedOut: "You have been logged out.",
  loginRequired: "Please log in to access this page.",
  invalidCredentials: "Invalid email or password",
  emailTaken: "That email address is already registered",
  passwordsMustMatch: "Passwords must match",
  emailRequired: "Enter your email address",
  emailInvalid: "Enter a valid email address, like name@example.com",
  emailTooLong: `Email must be at most ${limits.emailMax} characters`,
  firstNameRequired: "Enter your first name",
  lastNameRequired: "Enter your last name",
  nameTooLong: `Must be at most ${limits.nameMax} characters`,
  passwordRequired: "Enter your password",
  passwordTooShort: `Password must be at least ${limits.passwordMin} characters`,
  passwordTooLong: `Password must be at most ${limits.passwordMax} characters`,
  currentPasswordRequired: "Enter your current password",
  codeRequired: "Enter the 6-digit code from your authenticator app",
  tooManyAttempts: (minutes: number) => `Too many attempts. Try again in ${minutes} minute${minutes === 1 ? "" : "s"}.`,
  rateLimited: "Too many requests from your network. Wait a minute, then try again.",
  passwordTooCommon: "That password is one of the most common ones. Choose something less guessable.",
  passwordContainsEmail: "Your password must not contain your email name (the part before the @).",
  honeypotFilled: "Please leave the last field empty.",
  csrfRejected: "This form has expired or came from another site. Go back, reload the page and try again.",
  bodyTooLarge: `The request is too large (the limit is ${config.maxBodyBytes / 1024} KiB).`,
  badRequestTarget: "This address is not one the site can answer. Check it, or go to the home page.",
  notAForm: "Send the data as an HTML form (application/x-www-form-urlencoded or multipart/form-data).",
  resetLinkSent: "If an account exists for that address, we have sent a link to reset its password.",
  resetLinkInvalid: "This link is invalid or has expired.",
  passwordWasReset: "Your password has been reset. You may now log in.",
  methodNotAllowed: "This address doesn't accept that kind of request.",
  notFound: "We couldn't find that page.",
  serverError: "Something went wrong",
} as const;

/**
 * Messages only the server sends: flashes, and the answers of checks the browser does not repeat
 * (those that need D1 or a password hash). Kept apart from `messages`, which the browser bundle
 * carries for the forms' own checks, so the JS of every page (the login page's is at its 100 KiB
 * budget) does not grow with each page added.
 */
export const serverMessages = {
  detailsSaved: "Your details have been saved.",
  passwordChanged: "Your password has been changed.",
  devicesSignedOut: "Signed out of the selected devices.",
  accountDeleted: "Your account has been deleted.",
  currentPasswordWrong: "Your current password is not correct",
  passwordWrong: "Your password is not correct",
  passwordBreached: "This password has appeared in a data breach. Choose another one.",
  changeBreachedPassword: "Your password has appeared in a data breach. Please change it.",
  newPasswordUnchanged: "Your new password must be different from your current one",
  passkeyAdded: "The passkey has been added.",
  passkeyRemoved: "The passkey has been removed.",
  passkeyRenamed: "The passkey has been renamed.",
  passkeyNotRegistered: "That passkey is not registered here.",
  passkeyLimit: "You have 20 passkeys, the most an account can have. Remove one to add another.",
  passkeyAlreadyAdded: "That passkey is already registered.",
  passkeyRefused: "That passkey could not be verified. Try again.",
  passkeyExpired: "That took too long, or the request was already used. Try again.",
  passkeyNameRequired: "Enter a name",
  passkeyNameTooLong: "Must be at most 60 characters",
  signInSuperseded: "Your sign-in details changed while you were signing in. Log in again.",
  codeWrong: "That code is not correct",
  emailConfirmed: "Your email address is confirmed.",
  confirmationLinkSent: "We have sent you a new link.",
  emailAlreadyConfirmed: "Your email address is already confirmed.",
  tooManyLinks: "We have sent you 3 links in the last hour. Use the newest one, or try again later.",
  emailUnchanged: "That is already your email address",
  changeLinkSent: (email: string) => `We have sent a link to ${email}. Your address changes when you open it.`,
} as const;

type FlashKind = "success" | "info" | "error";
export type Flash = { kind: FlashKind; text: string };

/**
 * A page's <title> ("Log in · Edge Auth"), keeping the tags its parents set (the root's description).
 * Remix renders only the deepest route's meta, so a route that returned just its title dropped the
 * description everywhere. (Kept here, beside the product name, rather than in a module of its own:
 * every route already loads this one, and one more chunk would cost every page another request.)
 */
export function pageMeta(title: string): MetaFunction {
  return ({ matches }) => [
    ...matches.flatMap((match) => match.meta ?? []).filter((tag) => !("title" in tag)),
    { title: `${title} · ${PRODUCT_NAME}` },
  ];
}
