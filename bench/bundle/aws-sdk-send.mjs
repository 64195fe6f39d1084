// Browser bundle: a program that sends one message with @aws-sdk/client-sqs.
import { SendMessageCommand, SQSClient } from "@aws-sdk/client-sqs";

const sqs = new SQSClient({
  region: "eu-west-1",
  credentials: { accessKeyId: "AKIDEXAMPLE", secretAccessKey: "example-secret" },
});
const out = await sqs.send(
  new SendMessageCommand({
    QueueUrl: "https://sqs.eu-west-1.amazonaws.com/123456789012/jobs",
    MessageBody: "Hello, World!",
  }),
);
console.log(out.MessageId);
