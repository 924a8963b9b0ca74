// A proxy of a D1 binding that counts round trips: an executed statement, a `batch()` or an `exec()`
// is one (a batch of three statements is one). It can also delay each round trip, to stand in for a
// database far away. Used by the bench worker and by the tests that hold requests to their budgets.
export type Counter = { roundTrips: number; statements: number /** Added before each round trip. */; delayMs?: number };

/** One round trip: counted, then sent after the simulated distance. */
async function roundTrip<T>(counter: Counter, statements: number, send: () => Promise<T>): Promise<T> {
  counter.roundTrips += 1;
  counter.statements += statements;
  if (counter.delayMs) await scheduler.wait(counter.delayMs);
  return send();
}

const EXECUTE = new Set(["all", "raw", "run", "first"]);
const unwrapped = new WeakMap<object, D1PreparedStatement>();

function countStatement(statement: D1PreparedStatement, counter: Counter): D1PreparedStatement {
  const proxy = new Proxy(statement, {
    get(target, property) {
      const value = Reflect.get(target, property, target);
      if (typeof value !== "function") return value;
      if (property === "bind") return (...values: unknown[]) => countStatement(target.bind(...values), counter);
      if (typeof property === "string" && EXECUTE.has(property))
        return (...args: unknown[]) => roundTrip(counter, 1, () => value.apply(target, args));
      return value.bind(target);
    },
  });
  unwrapped.set(proxy, statement);
  return proxy;
}

export function countDatabase<T extends D1Database | D1DatabaseSession>(db: T, counter: Counter): T {
  return new Proxy(db, {
    get(target, property) {
      const value = Reflect.get(target, property, target);
      if (typeof value !== "function") return value;
      switch (property) {
        case "prepare":
          return (query: string) => countStatement(target.prepare(query), counter);
        case "batch":
          return (statements: D1PreparedStatement[]) =>
            roundTrip(counter, statements.length, () =>
              target.batch(statements.map((statement) => unwrapped.get(statement) ?? statement)),
            );
        case "exec":
          return (query: string) => roundTrip(counter, 1, () => (target as D1Database).exec(query));
        case "withSession":
          return (constraint?: Parameters<D1Database["withSession"]>[0]) =>
            countDatabase((target as D1Database).withSession(constraint), counter);
        default:
          return value.bind(target);
      }
    },
  });
}
