// autocannon 9 ships no types: what bench/lib/load.ts uses of it, from its README and lib/run.js.
declare module "autocannon" {
  import type { EventEmitter } from "node:events";

  namespace autocannon {
    /** One request as autocannon builds it; `setupRequest` may return a changed copy before each send. */
    interface Request {
      method?: string;
      path?: string;
      headers?: Record<string, string>;
      body?: string;
      setupRequest?: (request: Request) => Request;
    }

    interface Options {
      url: string;
      connections?: number;
      /** Seconds. */
      duration?: number;
      method?: string;
      headers?: Record<string, string>;
      /** Sent in turn by every connection. */
      requests?: Request[];
      /** Seconds before a request counts as timed out. */
      timeout?: number;
    }

    /** The parts of the final result the bench reads. */
    interface Result {
      /** Seconds the run took. */
      duration: number;
      errors: number;
      timeouts: number;
    }

    /** A running load test: events while it runs, a promise of its result. */
    interface Instance extends EventEmitter, PromiseLike<Result> {
      on(
        event: "response",
        listener: (client: unknown, statusCode: number, resBytes: number, responseTime: number) => void,
      ): this;
    }
  }

  function autocannon(options: autocannon.Options): autocannon.Instance;
  export = autocannon;
}
