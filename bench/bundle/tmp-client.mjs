// Browser bundle: a program that sends one message with asyncaws's standalone functions
// (`asyncaws/sqs`: a bare client and one function per action, the smallest form).
import { SQSClient, sendMessage } from "asyncaws/sqs/client";

const sqs = new SQSClient({
  region: "eu-west-1",
  credentials: { accessKeyId: "AKIDEXAMPLE", secretAccessKey: "example-secret" },
});
const out = await sendMessage(sqs, {
  QueueUrl: "https://sqs.eu-west-1.amazonaws.com/123456789012/jobs",
  MessageBody: "Hello, World!",
});
console.log(out.MessageId);
