/**
 * A fast reader for the answers of Query batch actions (SNS PublishBatch): `<XResponse><XResult>`
 * holding lists of `<member>`s of flat text fields, then `<ResponseMetadata>`. It reads the usual
 * answer without building an element tree, and gives up (`undefined`) on anything else (entities,
 * CDATA, comments, an unknown element, a field that is not flat text, CR characters...), which the
 * generic reader (`xml.ts` and `decodeStructure`) then reads or refuses as it always did. When it
 * answers, its output equals the generic reader's (tested on generated answers).
 *
 * @module
 */

/** The shape of one batch answer: element names, and the fields of each list's members. */
export interface BatchAnswerShape {
  /** The root element (`PublishBatchResponse`). */
  readonly response: string;
  /** The element that holds the lists (`PublishBatchResult`). */
  readonly result: string;
  /** Each list's name (`Successful`, `Failed`) and its members' fields: `s` text, `b` a boolean. */
  readonly lists: Readonly<Record<string, Readonly<Record<string, "s" | "b">>>>;
}

function isSpace(c: number): boolean {
  return c === 32 || c === 10 || c === 9;
}

/**
 * Reads a batch answer of the given shape; `undefined` when the text is not in the usual form
 * (the generic reader then decides).
 *
 * @returns the result's lists, by name, each an array of its members' fields
 */
export function readBatchAnswer(xml: string, shape: BatchAnswerShape): Record<string, unknown> | undefined {
  // No entity, CDATA, comment or CR anywhere: the text of each field is then as it is written.
  if (xml.indexOf("&") !== -1 || xml.indexOf("\r") !== -1 || xml.indexOf("<!") !== -1) return undefined;
  const length = xml.length;
  let pos = xml.charCodeAt(0) === 0xfeff ? 1 : 0;
  const skipSpace = () => {
    while (pos < length && isSpace(xml.charCodeAt(pos))) pos++;
  };
  /** Takes `<name>` (or `<name/>` when `empty` may be): 1 open, 2 self-closed, 0 not there. */
  const open = (name: string, empty: boolean): number => {
    if (xml.charCodeAt(pos) !== 60 /* < */ || !xml.startsWith(name, pos + 1)) return 0;
    const after = pos + 1 + name.length;
    const c = xml.charCodeAt(after);
    if (c === 62 /* > */) {
      pos = after + 1;
      return 1;
    }
    if (empty && c === 47 /* / */ && xml.charCodeAt(after + 1) === 62) {
      pos = after + 2;
      return 2;
    }
    return 0;
  };
  /** Takes `</name>`. */
  const close = (name: string): boolean => {
    if (xml.charCodeAt(pos) !== 60 || xml.charCodeAt(pos + 1) !== 47 || !xml.startsWith(name, pos + 2)) {
      return false;
    }
    if (xml.charCodeAt(pos + 2 + name.length) !== 62) return false;
    pos += name.length + 3;
    return true;
  };

  // An XML declaration, then the root, with at most an xmlns attribute.
  if (xml.startsWith("<?xml", pos)) {
    const end = xml.indexOf("?>", pos);
    if (end === -1) return undefined;
    pos = end + 2;
  }
  skipSpace();
  const root = shape.response;
  if (xml.charCodeAt(pos) !== 60 || !xml.startsWith(root, pos + 1)) return undefined;
  pos += 1 + root.length;
  if (xml.startsWith(' xmlns="', pos)) {
    const quote = xml.indexOf('"', pos + 8);
    if (quote === -1 || xml.indexOf("<", pos) < quote) return undefined;
    pos = quote + 1;
  }
  if (xml.charCodeAt(pos) !== 62) return undefined;
  pos++;
  skipSpace();
  if (open(shape.result, false) !== 1) return undefined;
  const output: Record<string, unknown> = {};
  for (;;) {
    skipSpace();
    if (close(shape.result)) break;
    // A list: <Name/> or <Name> <member>...</member>* </Name>.
    if (xml.charCodeAt(pos) !== 60) return undefined;
    const nameEnd = xml.indexOf(">", pos);
    if (nameEnd === -1) return undefined;
    let name = xml.slice(pos + 1, nameEnd);
    if (name.endsWith("/")) name = name.slice(0, -1);
    const fields = Object.hasOwn(shape.lists, name) ? shape.lists[name] : undefined;
    if (fields === undefined) return undefined;
    const kind = open(name, true);
    if (kind === 0) return undefined;
    const items: Record<string, unknown>[] = [];
    // A list named twice: the generic reader keeps the last one.
    output[name] = items;
    if (kind === 2) continue;
    for (;;) {
      skipSpace();
      if (close(name)) break;
      if (open("member", false) !== 1) return undefined;
      const item: Record<string, unknown> = {};
      for (;;) {
        skipSpace();
        if (close("member")) break;
        // A field: <Field>text</Field>, the text without markup.
        if (xml.charCodeAt(pos) !== 60) return undefined;
        const tagEnd = xml.indexOf(">", pos);
        if (tagEnd === -1) return undefined;
        const field = xml.slice(pos + 1, tagEnd);
        const type = Object.hasOwn(fields, field) ? fields[field] : undefined;
        if (type === undefined) return undefined;
        const textEnd = xml.indexOf("<", tagEnd + 1);
        if (textEnd === -1) return undefined;
        const text = xml.slice(tagEnd + 1, textEnd);
        pos = textEnd;
        if (!close(field)) return undefined;
        if (type === "s") {
          item[field] = text;
        } else {
          // Booleans as the generic reader has them: blank is absent, else "true" or not.
          const trimmed = text.trim();
          if (trimmed !== "") item[field] = trimmed === "true";
        }
      }
      items.push(item);
    }
  }
  // The request id, which the caller does not need but whose form must hold.
  skipSpace();
  if (open("ResponseMetadata", false) !== 1) return undefined;
  skipSpace();
  if (open("RequestId", false) !== 1) return undefined;
  const idEnd = xml.indexOf("<", pos);
  if (idEnd === -1) return undefined;
  pos = idEnd;
  if (!close("RequestId")) return undefined;
  skipSpace();
  if (!close("ResponseMetadata")) return undefined;
  skipSpace();
  if (!close(root)) return undefined;
  skipSpace();
  return pos === length ? output : undefined;
}
