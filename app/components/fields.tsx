import { type InputHTMLAttributes, useId, useState } from "react";
import { useHydrated } from "remix-utils/use-hydrated";
import { config } from "~/config";
import type { FieldErrors } from "~/validation";

type FieldProps = Omit<InputHTMLAttributes<HTMLInputElement>, "id"> & {
  label: string;
  name: string;
  error?: string;
};

/** A labelled input with its error beside it, wired for assistive technology. */
export function Field({ label, name, error, ...input }: FieldProps) {
  const id = useId();
  const errorId = `${id}-error`;
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <input
        id={id}
        name={name}
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? errorId : undefined}
        {...input}
      />
      <FieldError id={errorId} error={error} />
    </div>
  );
}

/** A password input with a show/hide toggle (a real button, so it works by keyboard; only once JS runs). */
function PasswordField({ label, name, error, ...input }: Omit<FieldProps, "type">) {
  const id = useId();
  const errorId = `${id}-error`;
  const [shown, setShown] = useState(false);
  const hydrated = useHydrated();
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <div className="password-input">
        <input
          id={id}
          name={name}
          type={shown ? "text" : "password"}
          aria-invalid={error ? true : undefined}
          aria-describedby={error ? errorId : undefined}
          {...input}
        />
        {hydrated ? (
          <button
            type="button"
            className="toggle-visibility"
            aria-pressed={shown}
            aria-controls={id}
            onClick={() => setShown((value) => !value)}
          >
            {shown ? "Hide" : "Show"}
            <span className="visually-hidden"> password</span>
          </button>
        ) : null}
      </div>
      <FieldError id={errorId} error={error} />
    </div>
  );
}

function FieldError({ id, error }: { id: string; error?: string }) {
  if (!error) return null;
  return (
    <p id={id} className="field-error">
      <span aria-hidden="true" className="error-icon">
        !
      </span>
      {error}
    </p>
  );
}

/** An email address field; `autoComplete` changes for the login form (passkeys offered too). */
export function EmailField({
  label = "Email",
  autoComplete = "email",
  defaultValue,
  error,
}: {
  label?: string;
  autoComplete?: string;
  defaultValue?: string;
  error?: string;
}) {
  return (
    <Field
      label={label}
      name="email"
      type="email"
      autoComplete={autoComplete}
      required
      maxLength={config.limits.emailMax}
      defaultValue={defaultValue}
      error={error}
    />
  );
}

/** The password the account has now, asked before anything sensitive (and at login). */
export function CurrentPasswordField({
  label = "Password",
  name = "password",
  error,
}: {
  label?: string;
  name?: string;
  error?: string;
}) {
  return <PasswordField label={label} name={name} autoComplete="current-password" required error={error} />;
}

/** First and last name side by side, as registration and the account page ask for them. */
export function NameFields({
  values,
  errors,
}: {
  values: { first_name?: string; last_name?: string };
  errors: FieldErrors;
}) {
  return (
    <div className="field-row">
      {NAME_FIELDS.map(({ label, name, autoComplete }) => (
        <Field
          key={name}
          label={label}
          name={name}
          autoComplete={autoComplete}
          required
          maxLength={config.limits.nameMax}
          defaultValue={values[name]}
          error={errors[name]}
        />
      ))}
    </div>
  );
}

const NAME_FIELDS = [
  { label: "First name", name: "first_name", autoComplete: "given-name" },
  { label: "Last name", name: "last_name", autoComplete: "family-name" },
] as const;

/**
 * A new password and its confirmation, as registration, the password change and the reset ask for
 * them: `label` names the first ("Password", "New password"), the second is "Confirm …" of it.
 */
export function NewPasswordFields({ label, errors }: { label: string; errors: FieldErrors }) {
  const { limits } = config;
  return (
    <>
      <PasswordField
        label={label}
        name="password"
        autoComplete="new-password"
        required
        minLength={limits.passwordMin}
        maxLength={limits.passwordMax}
        error={errors.password}
      />
      <PasswordField
        label={`Confirm ${label.toLowerCase()}`}
        name="confirm_password"
        autoComplete="new-password"
        required
        error={errors.confirm_password}
      />
    </>
  );
}

/**
 * The 6-digit code from an authenticator app: a text input (not type=number, which drops leading
 * zeros and adds spinners) that brings up the digit keyboard and lets the browser or phone fill a
 * code it has seen. Spaces are allowed: some apps show "123 456".
 */
export function CodeField({ label = "Code", error }: { label?: string; error?: string }) {
  return (
    <Field
      label={label}
      name="code"
      inputMode="numeric"
      autoComplete="one-time-code"
      pattern="[0-9 ]*"
      maxLength={7}
      required
      error={error}
    />
  );
}

/** A form-wide error, such as "Invalid email or password". */
export function FormError({ error }: { error?: string }) {
  if (!error) return null;
  return (
    <div className="form-error" role="alert">
      <span aria-hidden="true" className="error-icon">
        !
      </span>
      {error}
    </div>
  );
}
