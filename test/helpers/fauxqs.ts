// Starts the fauxqs emulator in-process on loopback, port 0, for one test file. The emulator is
// imported on first use: loading it takes seconds, and files that only use loopback servers (which
// import TEST_CREDENTIALS from here) should not pay for it.

/** A running emulator: its endpoint and a stop function. */
export interface Emulator {
  endpoint: string;
  port: number;
  stop(): Promise<void>;
}

/** Starts fauxqs on 127.0.0.1 with an OS-assigned port. */
export async function startEmulator(): Promise<Emulator> {
  const { startFauxqs } = await import("fauxqs");
  const server = await startFauxqs({ port: 0, logger: false, host: "localhost" });
  return {
    endpoint: `http://127.0.0.1:${server.port}`,
    port: server.port,
    stop: () => server.stop(),
  };
}

/** Test credentials: never real. */
export const TEST_CREDENTIALS = {
  accessKeyId: "AKIDEXAMPLE",
  secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
};

/** A unique queue or topic name for a test. */
export function uniqueName(prefix: string): string {
  return `${prefix}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
}
