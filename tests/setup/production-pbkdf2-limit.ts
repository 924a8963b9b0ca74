// Production workerd refuses WebCrypto PBKDF2 above 100,000 iterations; the local workerd these tests
// run in accepts any count, so code that relies on it would pass here and fail for every user once
// deployed. This puts production's refusal back, in every test file, before any test runs.
const LIMIT = 100_000;
const GUARDED = Symbol.for("edge-auth.production-pbkdf2-limit");

type Guarded = SubtleCrypto & { [GUARDED]?: true };
const subtle = crypto.subtle as Guarded;

function refuseAboveLimit(algorithm: unknown): void {
  const { name, iterations } = (algorithm ?? {}) as { name?: unknown; iterations?: unknown };
  if (
    typeof name === "string" &&
    name.toUpperCase() === "PBKDF2" &&
    typeof iterations === "number" &&
    iterations > LIMIT
  ) {
    // Production's wording (workerd's limit enforcer).
    throw new DOMException(
      `Pbkdf2 failed: iteration counts above ${LIMIT} are not supported (requested ${iterations}).`,
      "NotSupportedError",
    );
  }
}

if (!subtle[GUARDED]) {
  const deriveBits = subtle.deriveBits.bind(subtle);
  const deriveKey = subtle.deriveKey.bind(subtle);
  Object.defineProperties(subtle, {
    deriveBits: {
      value: async (...args: Parameters<SubtleCrypto["deriveBits"]>) => {
        refuseAboveLimit(args[0]);
        return deriveBits(...args);
      },
    },
    deriveKey: {
      value: async (...args: Parameters<SubtleCrypto["deriveKey"]>) => {
        refuseAboveLimit(args[0]);
        return deriveKey(...args);
      },
    },
    [GUARDED]: { value: true },
  });
}
