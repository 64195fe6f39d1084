/**
 * A tiny, dependency-free XML reader for AWS Query responses: elements, their local names and
 * their text, nothing else. Iterative (a stack, no recursion), so deep nesting cannot blow the call
 * stack; malformed input throws a `SyntaxError` with a short reason.
 *
 * @module
 */

/** An element of a parsed XML document. */
export interface XmlElement {
  /** Local name: any namespace prefix (`soap:`) is dropped. */
  name: string;
  /** Child elements, in document order. */
  children: XmlElement[];
  /** Concatenated text of the direct text and CDATA children, entities decoded, line ends normalized. */
  text: string;
}

/** Deepest element nesting accepted; deeper documents are rejected. */
export const MAX_XML_DEPTH = 256;

const ENTITIES: Readonly<Record<string, string>> = { lt: "<", gt: ">", amp: "&", quot: '"', apos: "'" };

function fail(reason: string, at: number): never {
  throw new SyntaxError(`Invalid XML: ${reason} at offset ${at}`);
}

/** Whitespace as XML defines it: space, tab, CR, LF. */
function isSpace(c: number): boolean {
  return c === 32 || c === 10 || c === 9 || c === 13;
}

function isBlank(text: string): boolean {
  for (let i = 0; i < text.length; i++) if (!isSpace(text.charCodeAt(i))) return false;
  return true;
}

/** Decodes the predefined entities and character references, and normalizes CR LF / CR to LF. */
function decodeText(raw: string, at: number): string {
  const text = raw.indexOf("\r") === -1 ? raw : raw.replace(/\r\n?/g, "\n");
  let amp = text.indexOf("&");
  if (amp === -1) return text;
  let out = "";
  let from = 0;
  while (amp !== -1) {
    const semi = text.indexOf(";", amp + 1);
    if (semi === -1 || semi - amp > 12) fail("bad entity reference", at + amp);
    const ref = text.slice(amp + 1, semi);
    let value = ENTITIES[ref];
    if (value === undefined) {
      if (ref.charCodeAt(0) !== 35 /* # */) fail(`unknown entity &${ref};`, at + amp);
      const hex = ref.charCodeAt(1) === 120; /* x */
      const digits = ref.slice(hex ? 2 : 1);
      const code = (hex ? /^[0-9a-fA-F]+$/ : /^[0-9]+$/).test(digits)
        ? Number.parseInt(digits, hex ? 16 : 10)
        : 0;
      if (!(code > 0 && code <= 0x10ffff) || (code >= 0xd800 && code <= 0xdfff)) {
        fail(`bad character reference &${ref};`, at + amp);
      }
      value = String.fromCodePoint(code);
    }
    out += text.slice(from, amp) + value;
    from = semi + 1;
    amp = text.indexOf("&", from);
  }
  return out + text.slice(from);
}

/**
 * Parses an XML document into its root element.
 *
 * Handles the XML declaration, comments, processing instructions, a DOCTYPE without internal
 * subset, CDATA, attributes (parsed and skipped), self-closing tags, the five predefined entities and
 * decimal and hexadecimal character references. Anything else that is not well-formed (unclosed or
 * mismatched tags, text outside the root, a truncated or empty document, nesting deeper than
 * {@link MAX_XML_DEPTH}, most HTML) throws.
 *
 * @param text The document.
 * @returns The root element.
 * @throws SyntaxError with a short reason and the offset where the problem was found.
 */
export function parseXml(text: string): XmlElement {
  const length = text.length;
  let pos = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  let root: XmlElement | undefined;
  let current: XmlElement | undefined;
  const stack: XmlElement[] = [];
  const names: string[] = []; // qualified names of the open elements, to match end tags

  for (;;) {
    const lt = text.indexOf("<", pos);
    const end = lt === -1 ? length : lt;
    if (end > pos) {
      if (current) current.text += decodeText(text.slice(pos, end), pos);
      else if (!isBlank(text.slice(pos, end)))
        fail(root ? "text after the root element" : "text before the root element", pos);
    }
    if (lt === -1) break;
    const next = text.charCodeAt(lt + 1);

    if (next === 47 /* / */) {
      const gt = text.indexOf(">", lt + 2);
      if (gt === -1) fail("unterminated end tag", lt);
      let nameEnd = gt;
      while (nameEnd > lt + 2 && isSpace(text.charCodeAt(nameEnd - 1))) nameEnd--;
      const qname = text.slice(lt + 2, nameEnd);
      const open = names.pop();
      if (open === undefined) fail(`unexpected end tag </${qname}>`, lt);
      if (open !== qname) fail(`end tag </${qname}> does not match <${open}>`, lt);
      stack.pop();
      current = stack[stack.length - 1];
      pos = gt + 1;
    } else if (next === 33 /* ! */) {
      if (text.startsWith("<!--", lt)) {
        const close = text.indexOf("-->", lt + 4);
        if (close === -1) fail("unterminated comment", lt);
        pos = close + 3;
      } else if (text.startsWith("<![CDATA[", lt)) {
        if (!current) fail("CDATA outside the root element", lt);
        const close = text.indexOf("]]>", lt + 9);
        if (close === -1) fail("unterminated CDATA section", lt);
        const data = text.slice(lt + 9, close);
        current.text += data.indexOf("\r") === -1 ? data : data.replace(/\r\n?/g, "\n");
        pos = close + 3;
      } else if (text.startsWith("<!DOCTYPE", lt) && !root) {
        const gt = text.indexOf(">", lt + 9);
        if (gt === -1) fail("unterminated DOCTYPE", lt);
        if (text.slice(lt, gt).includes("[")) fail("DOCTYPE internal subsets are not supported", lt);
        pos = gt + 1;
      } else {
        fail("unexpected markup", lt);
      }
    } else if (next === 63 /* ? */) {
      const close = text.indexOf("?>", lt + 2);
      if (close === -1) fail("unterminated processing instruction", lt);
      pos = close + 2;
    } else {
      // Start tag: the name, then attributes until `>` or `/>`.
      let i = lt + 1;
      while (i < length) {
        const c = text.charCodeAt(i);
        if (isSpace(c) || c === 62 /* > */ || c === 47 /* / */) break;
        if (c === 60 /* < */ || c === 61 /* = */ || c === 34 || c === 39 || c === 38)
          fail("bad element name", i);
        i++;
      }
      if (i === lt + 1) fail("bad element name", lt);
      const qname = text.slice(lt + 1, i);
      let selfClosing = false;
      for (;;) {
        const spaced = i;
        while (i < length && isSpace(text.charCodeAt(i))) i++;
        if (i >= length) fail("unterminated start tag", lt);
        const c = text.charCodeAt(i);
        if (c === 62 /* > */) {
          i++;
          break;
        }
        if (c === 47 /* / */) {
          if (text.charCodeAt(i + 1) !== 62) fail("bad start tag", i);
          selfClosing = true;
          i += 2;
          break;
        }
        if (i === spaced) fail("attributes must be separated by whitespace", i);
        const eq = text.indexOf("=", i);
        if (eq === -1) fail("attribute without a value", i);
        let nameEnd = eq;
        while (nameEnd > i && isSpace(text.charCodeAt(nameEnd - 1))) nameEnd--;
        for (let k = i; k < nameEnd; k++) {
          const n = text.charCodeAt(k);
          if (isSpace(n) || n === 62 || n === 60 || n === 47 || n === 34 || n === 39)
            fail("attribute without a value", k);
        }
        if (nameEnd === i) fail("attribute without a name", i);
        i = eq + 1;
        while (i < length && isSpace(text.charCodeAt(i))) i++;
        const quote = text.charCodeAt(i);
        if (quote !== 34 && quote !== 39) fail("attribute value must be quoted", i);
        const close = text.indexOf(quote === 34 ? '"' : "'", i + 1);
        if (close === -1) fail("unterminated attribute value", i);
        if (text.slice(i + 1, close).includes("<")) fail("'<' in attribute value", i);
        i = close + 1;
      }
      if (root && !current) fail("more than one root element", lt);
      const colon = qname.indexOf(":");
      const element: XmlElement = {
        name: colon === -1 ? qname : qname.slice(colon + 1),
        children: [],
        text: "",
      };
      if (current) current.children.push(element);
      else root = element;
      if (!selfClosing) {
        if (stack.length >= MAX_XML_DEPTH) fail(`nesting deeper than ${MAX_XML_DEPTH}`, lt);
        stack.push(element);
        names.push(qname);
        current = element;
      }
      pos = i;
    }
  }

  if (!root) fail("no root element", 0);
  if (current) fail(`unclosed element <${names[names.length - 1]}>`, length);
  return root;
}
