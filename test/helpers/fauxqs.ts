// Starts the fauxqs emulator in-process on loopback, port 0, for one test file.
import { startFauxqs } from "fauxqs";

/** A running emulator: its endpoint and a stop function. */
export interface Emulator {
  endpoint: string;
  port: number;
  stop(): Promise<void>;
}

/** Starts fauxqs on 127.0.0.1 with an OS-assigned port. */
export async function startEmulator(): Promise<Emulator> {
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
