// Browser bundle: a program that consumes a queue with asyncaws (long polling, handlers in
// parallel, deletes batched), until stopped.
import { SQS } from "asyncaws";

const sqs = new SQS({
  region: "eu-west-1",
  credentials: { accessKeyId: "AKIDEXAMPLE", secretAccessKey: "example-secret" },
});
const consumer = sqs.queue("https://sqs.eu-west-1.amazonaws.com/123456789012/jobs").consume(
  async (message) => {
    console.log(message.Body);
  },
  { concurrency: 10 },
);
globalThis.stopConsuming = () => consumer.stop();
