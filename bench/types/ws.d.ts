// ws 7 ships no types (and @types/ws is not installed): what bench/profile-page.ts uses of its client.
declare module "ws" {
  import type { EventEmitter } from "node:events";
  import type { IncomingMessage } from "node:http";

  class WebSocket extends EventEmitter {
    constructor(url: string, options?: { headers?: Record<string, string> });
    send(data: string): void;
    close(): void;
    on(event: "open", listener: () => void): this;
    on(event: "error", listener: (error: Error) => void): this;
    on(event: "message", listener: (data: Buffer | string) => void): this;
    on(event: "unexpected-response", listener: (request: unknown, response: IncomingMessage) => void): this;
  }
  export = WebSocket;
}
