// The fauxqs emulator in a process of its own (pinned to the stub's core by the runner), for the
// consumer, producer and soak figures. Sends { type: "listening", port } over IPC; exits with its
// parent or on { type: "exit" }.
import { startFauxqs } from "fauxqs";

const server = await startFauxqs({ port: 0, logger: false, host: "localhost" });
process.send?.({ type: "listening", port: server.port });
const stop = async () => {
  await server.stop();
  process.exit(0);
};
process.on("message", (message) => {
  if (message?.type === "exit") stop();
  else if (message?.type === "usage") {
    process.send({ type: "usage", cpu: process.cpuUsage(), memory: process.memoryUsage() });
  }
});
process.on("disconnect", stop);
