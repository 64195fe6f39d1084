/**
 * The string SNS signs (used by the verifier; exported for the tests).
 *
 * @module
 */

const NOTIFICATION_FIELDS = ["Message", "MessageId", "Subject", "Timestamp", "TopicArn", "Type"] as const;
const CONFIRMATION_FIELDS = [
  "Message",
  "MessageId",
  "SubscribeURL",
  "Timestamp",
  "Token",
  "TopicArn",
  "Type",
] as const;

/**
 * The string SNS signs, exactly as AWS documents it: for a Notification, `Message`, `MessageId`,
 * `Subject` (when present), `Timestamp`, `TopicArn` and `Type`; for the two confirmations,
 * `Message`, `MessageId`, `SubscribeURL`, `Timestamp`, `Token`, `TopicArn` and `Type`. Each field
 * is its name, a newline, its value, a newline.
 */
export function stringToSign(message: Readonly<Record<string, unknown>>): string {
  const fields = message.Type === "Notification" ? NOTIFICATION_FIELDS : CONFIRMATION_FIELDS;
  let out = "";
  for (const name of fields) {
    const value = message[name];
    if (value === undefined || value === null) continue;
    out += `${name}\n${String(value)}\n`;
  }
  return out;
}
