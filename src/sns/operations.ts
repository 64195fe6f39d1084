/**
 * The SNS operation table: each action described once, as data (its shapes from AWS's model and
 * its validation). The client's methods come from it.
 *
 * @module
 */

import type { OperationSpec, PaginatorSpec } from "../core/client.js";
import { paginators as pagination, operations as shapes } from "./schema.js";
import { validators } from "./validate.js";

/** Every SNS action. */
export const snsOperations: Readonly<Record<string, OperationSpec>> = {};
for (const name in shapes) {
  (snsOperations as Record<string, OperationSpec>)[name] = {
    ...shapes[name as keyof typeof shapes],
    validate: validators[name] as OperationSpec["validate"],
  };
}

/** How the paginated actions page. */
export const snsPaginators: Readonly<Record<string, PaginatorSpec>> = pagination;
