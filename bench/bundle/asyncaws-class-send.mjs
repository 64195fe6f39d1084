// Browser bundle: a program that sends one message with asyncaws's full `SQS` class (every action
// as a method, queue handles).
import { SQS } from "asyncaws";

const sqs = new SQS({
  region: "eu-west-1",
  credentials: { accessKeyId: "AKIDEXAMPLE", secretAccessKey: "example-secret" },
});
const out = await sqs.sendMessage({
  QueueUrl: "https://sqs.eu-west-1.amazonaws.com/123456789012/jobs",
  MessageBody: "Hello, World!",
});
console.log(out.MessageId);
