// Makes the next import() of a module fail, as a lazy load fails for real (a chunk that a browser
// could not fetch, a file missing from a deployment): a module resolution hook (node:module
// register) that throws for the next resolution of a URL ending with a given suffix, once. Node
// caches no failed resolution, so the import after it resolves and loads the module as usual.
// The hook is registered in the test file's own process at the first call.
import { register } from "node:module";
import { MessageChannel, type MessagePort } from "node:worker_threads";

const hooks = `
const failing = [];
export async function initialize({ port }) {
  port.on("message", (suffix) => {
    failing.push(suffix);
    port.postMessage("armed");
  });
  port.unref();
}
export async function resolve(specifier, context, next) {
  const result = await next(specifier, context);
  const at = failing.findIndex((suffix) => result.url.endsWith(suffix));
  if (at >= 0) {
    failing.splice(at, 1);
    const error = new Error("simulated failure to load " + result.url.slice(result.url.lastIndexOf("/") + 1));
    error.code = "ERR_MODULE_NOT_FOUND";
    throw error;
  }
  return result;
}
`;

let port: MessagePort | undefined;

/**
 * Makes the next `import()` of the module whose URL ends with `suffix` (such as
 * `/core/credentials/chain.js`) reject, once. Resolves when the hook is armed.
 */
export function failNextImport(suffix: string): Promise<void> {
  if (port === undefined) {
    const channel = new MessageChannel();
    register(`data:text/javascript,${encodeURIComponent(hooks)}`, {
      data: { port: channel.port2 },
      transferList: [channel.port2],
    });
    port = channel.port1;
    port.unref();
  }
  const armed = port;
  armed.ref(); // held open until the hook answers
  return new Promise((resolve) => {
    armed.once("message", () => {
      armed.unref();
      resolve();
    });
    armed.postMessage(suffix);
  });
}

/** Whether `error` is the failure {@link failNextImport} made. */
export function isSimulatedLoadFailure(error: unknown): boolean {
  return error instanceof Error && error.message.startsWith("simulated failure to load ");
}
