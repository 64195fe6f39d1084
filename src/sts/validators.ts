/**
 * The STS validators record: one entry per action that has one, named as the action, checking its
 * input before anything goes on the wire. `scripts/gen-models.mjs` puts each into the operation
 * table (`operations.ts`). A secret member (a web identity token) is never quoted in an error.
 *
 * @module
 */

import { type ErrorContext, ValidationError } from "../core/errors.js";

/** Checks that required string members are present, without ever quoting secret ones. */
function requireStrings(
  names: readonly string[],
  secret: ReadonlySet<string> = new Set(),
): (input: Record<string, unknown>, context: ErrorContext) => void {
  return (record, context) => {
    for (const name of names) {
      const value = record[name];
      if (typeof value !== "string" || value === "") {
        throw new ValidationError(
          name,
          "a non-empty string",
          secret.has(name) && typeof value === "string" ? "(an empty string)" : value,
          context,
        );
      }
    }
    const duration = record.DurationSeconds;
    if (
      duration !== undefined &&
      (typeof duration !== "number" || !Number.isInteger(duration) || duration < 900 || duration > 43200)
    ) {
      throw new ValidationError("DurationSeconds", "an integer from 900 to 43200", duration, context);
    }
  };
}

/** Checks AssumeRole input. */
export const AssumeRole = /* @__PURE__ */ requireStrings(["RoleArn", "RoleSessionName"]);

/** Checks AssumeRoleWithWebIdentity input (the token is never quoted). */
export const AssumeRoleWithWebIdentity = /* @__PURE__ */ requireStrings(
  ["RoleArn", "RoleSessionName", "WebIdentityToken"],
  new Set(["WebIdentityToken"]),
);
