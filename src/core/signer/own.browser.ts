/**
 * The browser build's stand-in for `own.ts` (package.json's `browser` field maps one to the
 * other): the client's requests are signed with Web Crypto ({@link signOwnRequestAsync}), so a
 * browser or Workers bundle carries no SHA-256 code of its own (the pure MD5 stays, for the
 * SQS message checksums, which Web Crypto lacks).
 *
 * @module
 */

export { signOwnRequestAsync as signOwn } from "./webcrypto.js";
