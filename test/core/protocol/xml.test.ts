import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { MAX_XML_DEPTH, parseXml, type XmlElement } from "../../../src/core/protocol/xml.js";

/** The element's children by name, for compact assertions. */
function child(element: XmlElement, name: string): XmlElement {
  const found = element.children.find((c) => c.name === name);
  assert.ok(found, `no <${name}> in <${element.name}>`);
  return found;
}

describe("parseXml", () => {
  it("reads elements, text and the declaration", () => {
    const root = parseXml('<?xml version="1.0" encoding="UTF-8"?>\n<a><b>one</b><c>two</c></a>\n');
    assert.equal(root.name, "a");
    assert.deepEqual(
      root.children.map((c) => [c.name, c.text]),
      [
        ["b", "one"],
        ["c", "two"],
      ],
    );
    assert.equal(root.text, "");
  });

  it("keeps whitespace text and concatenates direct text nodes", () => {
    const root = parseXml("<a>  x <b>y</b> z<!-- c --> w </a>");
    assert.equal(root.text, "  x  z w ");
    assert.equal(child(root, "b").text, "y");
  });

  it("skips a byte order mark", () => {
    assert.equal(parseXml("\uFEFF<a>1</a>").text, "1");
  });

  it("decodes the predefined entities", () => {
    assert.equal(parseXml("<a>&lt;&gt;&amp;&quot;&apos;&amp;lt;</a>").text, `<>&"'&lt;`);
  });

  it("decodes decimal, hex and astral character references", () => {
    assert.equal(
      parseXml("<a>&#65;&#x42;&#x1F600;&#128512;&#xD;&#10;&#x10FFFF;</a>").text,
      "AB😀😀\r\n\u{10FFFF}",
    );
  });

  it("rejects bad character references", () => {
    for (const ref of [
      "&#;",
      "&#x;",
      "&#xD800;",
      "&#0;",
      "&#x110000;",
      "&#12a;",
      "&#xZZ;",
      "&#X43;",
      "&nbsp;",
      "& ",
      "&amp",
    ]) {
      assert.throws(() => parseXml(`<a>${ref}</a>`), SyntaxError, ref);
    }
  });

  it("reads CDATA verbatim", () => {
    const root = parseXml("<a>x<![CDATA[<b>&amp;]]]]><![CDATA[>]]>y</a>");
    assert.equal(root.text, "x<b>&amp;]]>y");
    assert.deepEqual(root.children, []);
  });

  it("normalizes line ends", () => {
    assert.equal(parseXml("<a>1\r\n2\r3<![CDATA[\r\n]]></a>").text, "1\n2\n3\n");
  });

  it("skips comments and processing instructions anywhere", () => {
    const root = parseXml(
      "<!-- head --><?pi x?><a><!-- <b>not</b> --><?x <c/> ?><d/></a><!-- tail --><?end?>\n",
    );
    assert.deepEqual(
      root.children.map((c) => c.name),
      ["d"],
    );
  });

  it("skips attributes, including > and / inside quoted values", () => {
    const root = parseXml(
      `<a xmlns="http://sns.amazonaws.com/doc/2010-03-31/" x='1>2' y = "a/>b" z="'"><b c="d"/><e f='"'>t</e></a>`,
    );
    assert.equal(root.name, "a");
    assert.deepEqual(
      root.children.map((c) => [c.name, c.text]),
      [
        ["b", ""],
        ["e", "t"],
      ],
    );
  });

  it("drops namespace prefixes and matches end tags by qualified name", () => {
    const root = parseXml(
      '<soap:Envelope xmlns:soap="urn:x"><soap:Body><m:X xmlns:m="urn:m">1</m:X></soap:Body></soap:Envelope>',
    );
    assert.equal(root.name, "Envelope");
    assert.equal(child(child(root, "Body"), "X").text, "1");
    assert.throws(() => parseXml("<a:b></c:b>"), SyntaxError);
  });

  it("reads self-closing tags and end tags with trailing space", () => {
    const root = parseXml("<a><b/><c /><d></d ></a >");
    assert.deepEqual(
      root.children.map((c) => c.name),
      ["b", "c", "d"],
    );
    assert.deepEqual(parseXml("<a/>"), { name: "a", children: [], text: "" });
  });

  it("skips a DOCTYPE without internal subset", () => {
    assert.equal(parseXml("<!DOCTYPE a><a>1</a>").text, "1");
    assert.throws(() => parseXml('<!DOCTYPE a [<!ENTITY x "y">]><a>&x;</a>'), SyntaxError);
  });

  it("parses deep nesting up to the cap without recursion, and rejects deeper", () => {
    const ok = "<a>".repeat(MAX_XML_DEPTH) + "x" + "</a>".repeat(MAX_XML_DEPTH);
    let element = parseXml(ok);
    let depth = 1;
    while (element.children[0]) {
      element = element.children[0];
      depth++;
    }
    assert.equal(depth, MAX_XML_DEPTH);
    assert.equal(element.text, "x");
    const deep = "<a>".repeat(MAX_XML_DEPTH + 1) + "</a>".repeat(MAX_XML_DEPTH + 1);
    assert.throws(() => parseXml(deep), /nesting deeper/);
    const huge = "<a>".repeat(1_000_000);
    assert.throws(() => parseXml(huge), /nesting deeper/);
  });

  it("handles many siblings", () => {
    const root = parseXml(`<a>${"<b>1</b>".repeat(10_000)}</a>`);
    assert.equal(root.children.length, 10_000);
  });

  const malformed: Record<string, string> = {
    "empty string": "",
    "only whitespace": "  \n",
    "only a declaration": '<?xml version="1.0"?>',
    "plain text": "Service Unavailable",
    JSON: '{"__type":"x"}',
    "unclosed root": "<a>",
    "unclosed child": "<a><b></a>",
    "mismatched end tag": "<a></b>",
    "stray end tag": "</a>",
    "end tag after root": "<a></a></a>",
    "text before root": "x<a/>",
    "text after root": "<a/>x",
    "two roots": "<a/><b/>",
    "truncated in a tag": "<a><b",
    "truncated in an end tag": "<a></a",
    "truncated in an attribute": '<a x="1',
    "truncated in a comment": "<a><!-- x",
    "truncated in CDATA": "<a><![CDATA[x",
    "truncated in a PI": "<?xml version",
    "truncated text": "<a>text",
    "unquoted attribute": "<a x=1></a>",
    "attribute without value": "<a disabled></a>",
    "attributes run together": '<a x="1"y="2"/>',
    "empty tag name": "< a/>",
    "empty end tag": "<a></>",
    "bad markup": "<a><!x></a>",
    "HTML page":
      "<!DOCTYPE html><html><head><meta charset=utf-8><title>502</title></head><body>Bad Gateway<br></body></html>",
    "HTML with void tags": "<html><body><p>Error<br></p></body></html>",
    "bare ampersand": "<a>Tom & Jerry</a>",
    "CDATA outside root": "<![CDATA[x]]><a/>",
  };
  for (const [label, text] of Object.entries(malformed)) {
    it(`rejects ${label}`, () => {
      assert.throws(
        () => parseXml(text),
        (error: unknown) =>
          error instanceof SyntaxError && /^Invalid XML: .+ at offset \d+$/.test(error.message),
      );
    });
  }
});
