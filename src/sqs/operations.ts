/**
 * The SQS operation table: each action described once, as data (its shapes from AWS's model,
 * its validation, its checksum check, its timeout floor). The client's methods come from it.
 *
 * @module
 */

import type { OperationSpec, PaginatorSpec } from "../core/client.js";
import type { ErrorContext } from "../core/errors.js";
import { checkReceived, checkSent } from "./checksums.js";
import { paginators as pagination, operations as shapes } from "./schema.js";
import type {
  ReceiveMessageResult,
  SendMessageBatchRequest,
  SendMessageBatchResult,
  SendMessageRequest,
  SendMessageResult,
} from "./types.js";
import { validators } from "./validate.js";

type Check = (input: never, output: never, context: ErrorContext) => void;

const checks: Record<string, Check> = {
  SendMessage: ((input: SendMessageRequest, output: SendMessageResult, context: ErrorContext) =>
    checkSent(input, output, context)) as Check,
  SendMessageBatch: ((
    input: SendMessageBatchRequest,
    output: SendMessageBatchResult,
    context: ErrorContext,
  ) => {
    if (!output.Successful) return;
    const byId = new Map(input.Entries.map((entry) => [entry.Id, entry]));
    for (const result of output.Successful) {
      const sent = byId.get(result.Id);
      if (sent)
        checkSent(sent, result, {
          ...context,
          resource: `${context.resource ?? ""} entry ${result.Id}`.trim(),
        });
    }
  }) as Check,
  ReceiveMessage: ((_input: unknown, output: ReceiveMessageResult, context: ErrorContext) =>
    checkReceived(output.Messages, context)) as Check,
};

/** The longest a ReceiveMessage may wait, plus a margin: its floor for the request timeout. */
function receiveTimeoutFloor(input: { WaitTimeSeconds?: number }): number {
  return ((input.WaitTimeSeconds ?? 20) + 5) * 1000;
}

/** Every SQS action. */
export const sqsOperations: Readonly<Record<string, OperationSpec>> = {};
for (const name in shapes) {
  (sqsOperations as Record<string, OperationSpec>)[name] = {
    ...shapes[name as keyof typeof shapes],
    validate: validators[name] as OperationSpec["validate"],
    check: checks[name],
    minTimeoutMs:
      name === "ReceiveMessage" ? (receiveTimeoutFloor as OperationSpec["minTimeoutMs"]) : undefined,
  };
}

/** How the paginated actions page. */
export const sqsPaginators: Readonly<Record<string, PaginatorSpec>> = pagination;
