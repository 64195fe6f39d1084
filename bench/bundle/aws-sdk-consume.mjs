// Browser bundle: a program that consumes a queue with @aws-sdk/client-sqs (sqs-consumer is
// Node-only): a long-poll loop, handlers in parallel, each message deleted after its handler.
import { DeleteMessageCommand, ReceiveMessageCommand, SQSClient } from "@aws-sdk/client-sqs";

const QueueUrl = "https://sqs.eu-west-1.amazonaws.com/123456789012/jobs";
const sqs = new SQSClient({
  region: "eu-west-1",
  credentials: { accessKeyId: "AKIDEXAMPLE", secretAccessKey: "example-secret" },
});
let running = true;
globalThis.stopConsuming = () => {
  running = false;
};
while (running) {
  const { Messages = [] } = await sqs.send(
    new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 20 }),
  );
  await Promise.all(
    Messages.map(async (message) => {
      console.log(message.Body);
      await sqs.send(new DeleteMessageCommand({ QueueUrl, ReceiptHandle: message.ReceiptHandle }));
    }),
  );
}
