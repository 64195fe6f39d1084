/**
 * SQS's error codes under the names of its model, whichever protocol carried them.
 *
 * @module
 */

import { queryErrorCodes } from "./schema.js";

/**
 * Maps the Query protocol's error codes (`AWS.SimpleQueueService.NonExistentQueue`,
 * `KMS.AccessDeniedException`) to the model's error names (`QueueDoesNotExist`, `KmsAccessDenied`),
 * from the `awsQueryError` traits of AWS's model; other codes lose an `AWS.SimpleQueueService.`
 * prefix, if any. The JSON protocol uses it for answers that carry only the `x-amzn-query-error`
 * header.
 */
export function normalizeCode(code: string): string {
  if (Object.hasOwn(queryErrorCodes, code)) return queryErrorCodes[code]!;
  return code.startsWith("AWS.SimpleQueueService.") ? code.slice(23) : code;
}
