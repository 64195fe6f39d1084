// Cold-start floor (bench/cold-profile.mjs): an ES module that sends one request signed beforehand
// (headers and body in argv[3], as JSON) with node:http, checks the answer and exits. No client
// can start and send with less: no library to load, no signing, no checks but the MessageId.
import http from "node:http";

const port = process.argv[2];
const { headers, body } = JSON.parse(process.argv[3]);
const text = await new Promise((resolve, reject) => {
  const request = http.request(
    { host: "127.0.0.1", port, method: "POST", path: "/", headers },
    (response) => {
      let answer = "";
      response.setEncoding("utf8");
      response.on("data", (chunk) => {
        answer += chunk;
      });
      response.on("end", () => resolve(answer));
      response.on("error", reject);
    },
  );
  request.on("error", reject);
  request.end(body);
});
if (JSON.parse(text).MessageId !== "5fea7756-0ea4-451a-a703-a558b933e274") throw new Error("wrong answer");
process.stdout.write(
  `${JSON.stringify({ ok: true, cpuUs: cpuOf(process.cpuUsage()), sentAtMs: performance.now() })}\n`,
);

function cpuOf(usage) {
  // The whole process's CPU so far (every thread), user + system, in microseconds.
  return usage.user + usage.system;
}
