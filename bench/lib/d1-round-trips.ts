// A proxy of a D1 binding that counts round trips: an executed statement, a `batch()` or an `exec()`
// is one (a batch of three statements is one). Used by the bench worker and by the tests that hold
// requests to their round-trip budgets.

export type Counter = { roundTrips: number; statements: number };

const EXECUTE = new Set(["all", "raw", "run", "first"]);
const unwrapped = new WeakMap<object, D1PreparedStatement>();

function countStatement(statement: D1PreparedStatement, counter: Counter): D1PreparedStatement {
  const proxy = new Proxy(statement, {
    get(target, property) {
      const value = Reflect.get(target, property, target);
      if (typeof value !== "function") return value;
      if (property === "bind") return (...values: unknown[]) => countStatement(target.bind(...values), counter);
      if (typeof property === "string" && EXECUTE.has(property))
        return (...args: unknown[]) => {
          counter.roundTrips += 1;
          counter.statements += 1;
          return value.apply(target, args);
        };
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
          return (statements: D1PreparedStatement[]) => {
            counter.roundTrips += 1;
            counter.statements += statements.length;
            return target.batch(statements.map((statement) => unwrapped.get(statement) ?? statement));
          };
        case "exec":
          return (query: string) => {
            counter.roundTrips += 1;
            counter.statements += 1;
            return (target as D1Database).exec(query);
          };
        case "withSession":
          return (constraint?: Parameters<D1Database["withSession"]>[0]) =>
            countDatabase((target as D1Database).withSession(constraint), counter);
        default:
          return value.bind(target);
      }
    },
  });
}
