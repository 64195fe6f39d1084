/**
 * Collects the process warnings Node emits about listener leaks (`MaxListenersExceededWarning`,
 * as when too many requests listen on one AbortSignal), from now until `stop()`.
 */
export function listenerLeakWarnings(): { messages(): string[]; stop(): void } {
  const warnings: Error[] = [];
  const onWarning = (warning: Error) => warnings.push(warning);
  process.on("warning", onWarning);
  return {
    messages: () => warnings.filter((w) => w.name === "MaxListenersExceededWarning").map((w) => w.message),
    stop: () => {
      process.off("warning", onWarning);
    },
  };
}
