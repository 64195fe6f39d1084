import { readFileSync } from "node:fs";
import { isSignatureVerificationError, type SnsVerifyOptions, verifySnsMessage } from "../../index.js";
import { type Command, Failure, str, strs } from "../args.js";
import { readAll } from "../input.js";

export const verifySns: Command = {
  name: "verify-sns",
  summary: "verify the signature of an SNS notification (a file, or - for stdin)",
  usage: "verify-sns <file|-> [--topic-arn ARN]... [--cert PEM] [options]",
  description: [
    "Checks an SNS message as an HTTP(S) subscription receives it (the JSON body of the POST):",
    "SignatureVersion 1 or 2 of a Notification, SubscriptionConfirmation or",
    "UnsubscribeConfirmation, with the signing certificate fetched only from an SNS address. Exit",
    "code 0 when it is genuine, 1 when it is not (with the reason). --topic-arn accepts only those",
    "topics. --cert checks against a certificate saved before (its URL in the message must still",
    "be an SNS address): for machines without network access.",
  ].join("\n"),
  options: {
    "topic-arn": { type: "string", multiple: true, value: "arn", help: "accept only this topic" },
    cert: { type: "string", value: "path", help: "the signing certificate (PEM) instead of fetching it" },
  },
  positionals: [1, 1],
  examples: ["asyncaws verify-sns notification.json --topic-arn arn:aws:sns:eu-west-1:123456789012:events"],
  async run(context, { values, positionals }) {
    const path = positionals[0]!;
    let text: string;
    try {
      text = path === "-" ? await readAll(context.io.stdin) : readFileSync(path, "utf8");
    } catch (error) {
      throw new Failure(`cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`, 2);
    }
    let payload: unknown;
    try {
      payload = JSON.parse(text);
    } catch {
      throw new Failure(`${path === "-" ? "stdin" : path} is not JSON`, 2);
    }
    const options: SnsVerifyOptions = {};
    const topics = strs(values, "topic-arn");
    if (topics.length) options.topicArns = topics;
    const certPath = str(values, "cert");
    if (certPath !== undefined) {
      let pem: string;
      try {
        pem = readFileSync(certPath, "utf8");
      } catch (error) {
        throw new Failure(
          `cannot read ${certPath}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`,
          2,
        );
      }
      options.fetch = async () =>
        new Response(pem, { status: 200, headers: { "content-type": "application/x-pem-file" } });
    }
    const output = context.output;
    try {
      const message = await verifySnsMessage(payload, options);
      const result = {
        valid: true,
        Type: message.Type,
        TopicArn: message.TopicArn,
        MessageId: message.MessageId,
        Timestamp: message.Timestamp,
        SignatureVersion: message.SignatureVersion,
        ...("Subject" in message && message.Subject ? { Subject: message.Subject } : {}),
      };
      if (output.format === "table")
        output.line(
          `${output.paint("green", "valid")}: ${message.Type} ${message.MessageId} from ${message.TopicArn}`,
        );
      else output.result(result, () => "valid");
      return 0;
    } catch (error) {
      if (!isSignatureVerificationError(error)) throw error;
      const result = { valid: false, reason: error.reason, message: error.message };
      if (output.format === "table") output.line(`${output.paint("red", "not valid")}: ${error.message}`);
      else output.result(result, () => `invalid ${error.reason}`);
      return 1;
    }
  },
};
