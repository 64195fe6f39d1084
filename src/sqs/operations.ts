/**
 * The SQS operation table: each action described once, as data (its shapes from AWS's model,
 * its validation, its checksum check, its timeout floor). The client's methods and the
 * standalone functions both come from it; each operation is its own export, so that a bundler
 * keeps only those a program uses.
 *
 * @module
 */

import type { OperationSpec, PaginatorSpec } from "../core/client.js";
import type { ErrorContext } from "../core/errors.js";
import type { OperationShape } from "../core/schema.js";
import { checkReceived, checkSent } from "./checksums.js";
import * as s from "./schema.js";
import type {
  ReceiveMessageResult,
  SendMessageBatchRequest,
  SendMessageBatchResult,
  SendMessageRequest,
  SendMessageResult,
} from "./types.js";
import * as v from "./validate.js";

type Validate = (input: never, context: ErrorContext) => void;
type Check = (input: never, output: never, context: ErrorContext) => void;

function spec(
  shape: OperationShape,
  validate: Validate,
  check?: Check,
  minTimeoutMs?: (input: never) => number,
): OperationSpec {
  return { ...shape, validate, check, minTimeoutMs };
}

function checkSendMessage(input: SendMessageRequest, output: SendMessageResult, context: ErrorContext): void {
  checkSent(input, output, context);
}

function checkSendMessageBatch(
  input: SendMessageBatchRequest,
  output: SendMessageBatchResult,
  context: ErrorContext,
): void {
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
}

function checkReceiveMessage(_input: unknown, output: ReceiveMessageResult, context: ErrorContext): void {
  checkReceived(output.Messages, context);
}

/** The longest a ReceiveMessage may wait, plus a margin: its floor for the request timeout. */
function receiveTimeoutFloor(input: { WaitTimeSeconds?: number }): number {
  return ((input.WaitTimeSeconds ?? 20) + 5) * 1000;
}

/** The AddPermission action. */
export const AddPermission: OperationSpec = /* @__PURE__ */ spec(s.AddPermissionOp, v.validateAddPermission);
/** The CancelMessageMoveTask action. */
export const CancelMessageMoveTask: OperationSpec = /* @__PURE__ */ spec(
  s.CancelMessageMoveTaskOp,
  v.validateCancelMessageMoveTask,
);
/** The ChangeMessageVisibility action. */
export const ChangeMessageVisibility: OperationSpec = /* @__PURE__ */ spec(
  s.ChangeMessageVisibilityOp,
  v.validateChangeMessageVisibility,
);
/** The ChangeMessageVisibilityBatch action. */
export const ChangeMessageVisibilityBatch: OperationSpec = /* @__PURE__ */ spec(
  s.ChangeMessageVisibilityBatchOp,
  v.validateChangeMessageVisibilityBatch,
);
/** The CreateQueue action. */
export const CreateQueue: OperationSpec = /* @__PURE__ */ spec(s.CreateQueueOp, v.validateCreateQueue);
/** The DeleteMessage action. */
export const DeleteMessage: OperationSpec = /* @__PURE__ */ spec(s.DeleteMessageOp, v.validateDeleteMessage);
/** The DeleteMessageBatch action. */
export const DeleteMessageBatch: OperationSpec = /* @__PURE__ */ spec(
  s.DeleteMessageBatchOp,
  v.validateDeleteMessageBatch,
);
/** The DeleteQueue action. */
export const DeleteQueue: OperationSpec = /* @__PURE__ */ spec(s.DeleteQueueOp, v.validateDeleteQueue);
/** The GetQueueAttributes action. */
export const GetQueueAttributes: OperationSpec = /* @__PURE__ */ spec(
  s.GetQueueAttributesOp,
  v.validateGetQueueAttributes,
);
/** The GetQueueUrl action. */
export const GetQueueUrl: OperationSpec = /* @__PURE__ */ spec(s.GetQueueUrlOp, v.validateGetQueueUrl);
/** The ListDeadLetterSourceQueues action. */
export const ListDeadLetterSourceQueues: OperationSpec = /* @__PURE__ */ spec(
  s.ListDeadLetterSourceQueuesOp,
  v.validateListDeadLetterSourceQueues,
);
/** The ListMessageMoveTasks action. */
export const ListMessageMoveTasks: OperationSpec = /* @__PURE__ */ spec(
  s.ListMessageMoveTasksOp,
  v.validateListMessageMoveTasks,
);
/** The ListQueueTags action. */
export const ListQueueTags: OperationSpec = /* @__PURE__ */ spec(s.ListQueueTagsOp, v.validateListQueueTags);
/** The ListQueues action. */
export const ListQueues: OperationSpec = /* @__PURE__ */ spec(s.ListQueuesOp, v.validateListQueues);
/** The PurgeQueue action. */
export const PurgeQueue: OperationSpec = /* @__PURE__ */ spec(s.PurgeQueueOp, v.validatePurgeQueue);
/** The ReceiveMessage action. */
export const ReceiveMessage: OperationSpec = /* @__PURE__ */ spec(
  s.ReceiveMessageOp,
  v.validateReceiveMessage,
  checkReceiveMessage,
  receiveTimeoutFloor,
);
/** The RemovePermission action. */
export const RemovePermission: OperationSpec = /* @__PURE__ */ spec(
  s.RemovePermissionOp,
  v.validateRemovePermission,
);
/** The SendMessage action. */
export const SendMessage: OperationSpec = /* @__PURE__ */ spec(
  s.SendMessageOp,
  v.validateSendMessage,
  checkSendMessage,
);
/** The SendMessageBatch action. */
export const SendMessageBatch: OperationSpec = /* @__PURE__ */ spec(
  s.SendMessageBatchOp,
  v.validateSendMessageBatch,
  checkSendMessageBatch,
);
/** The SetQueueAttributes action. */
export const SetQueueAttributes: OperationSpec = /* @__PURE__ */ spec(
  s.SetQueueAttributesOp,
  v.validateSetQueueAttributes,
);
/** The StartMessageMoveTask action. */
export const StartMessageMoveTask: OperationSpec = /* @__PURE__ */ spec(
  s.StartMessageMoveTaskOp,
  v.validateStartMessageMoveTask,
);
/** The TagQueue action. */
export const TagQueue: OperationSpec = /* @__PURE__ */ spec(s.TagQueueOp, v.validateTagQueue);
/** The UntagQueue action. */
export const UntagQueue: OperationSpec = /* @__PURE__ */ spec(s.UntagQueueOp, v.validateUntagQueue);

/** Every SQS action, by name. */
export const sqsOperations: Readonly<Record<string, OperationSpec>> = {
  AddPermission,
  CancelMessageMoveTask,
  ChangeMessageVisibility,
  ChangeMessageVisibilityBatch,
  CreateQueue,
  DeleteMessage,
  DeleteMessageBatch,
  DeleteQueue,
  GetQueueAttributes,
  GetQueueUrl,
  ListDeadLetterSourceQueues,
  ListMessageMoveTasks,
  ListQueueTags,
  ListQueues,
  PurgeQueue,
  ReceiveMessage,
  RemovePermission,
  SendMessage,
  SendMessageBatch,
  SetQueueAttributes,
  StartMessageMoveTask,
  TagQueue,
  UntagQueue,
};

/** How the paginated actions page. */
export const sqsPaginators: Readonly<Record<string, PaginatorSpec>> = s.paginators;
