// How an operator command ends: `main` throws a `Stop` (message and exit status) instead of calling
// process.exit, so that every `finally` on the way out runs (temporary files with emails and hashes
// are removed however the command ends).

export class Stop extends Error {
  constructor(
    message: string,
    readonly status = 1,
  ) {
    super(message);
  }
}

/** Runs `main` with the command's arguments; a Stop prints its message, anything else its stack. */
export async function runCommand(name: string, main: (args: string[]) => Promise<void>): Promise<void> {
  try {
    await main(process.argv.slice(2));
  } catch (error) {
    console.error(`${name}: ${error instanceof Stop ? error.message : (error as Error).stack}`);
    process.exitCode = error instanceof Stop ? error.status : 1;
  }
}
