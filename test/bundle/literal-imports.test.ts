// Workers and static analysers (workerd via miniflare's `modules: true`, webpack, Vite) refuse an
// `import()` whose specifier is not a string literal. The library's Node built-ins come from
// `process.getBuiltinModule` (so package.json asks for Node >= 20.16); every `import()` left in
// src/ names its module literally. Read with TypeScript's own parser, comments and strings aside.
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import ts from "typescript";

const root = new URL("../../../", import.meta.url).pathname;

function sources(folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true }).flatMap((entry) => {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) return sources(path);
    return /\.ts$/.test(entry.name) && !entry.name.endsWith(".d.ts") ? [path] : [];
  });
}

/** A string literal, possibly cast (`"node:x" as string` compiles to the literal). */
function isLiteral(node: ts.Node): boolean {
  if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) return true;
  if (ts.isAsExpression(node) || ts.isParenthesizedExpression(node)) return isLiteral(node.expression);
  return false;
}

function dynamicImports(file: string): { line: number; literal: boolean; text: string }[] {
  const source = ts.createSourceFile(file, readFileSync(file, "utf8"), ts.ScriptTarget.ES2022, true);
  const found: { line: number; literal: boolean; text: string }[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) {
      const argument = node.arguments[0];
      found.push({
        line: source.getLineAndCharacterOfPosition(node.getStart()).line + 1,
        literal: argument !== undefined && isLiteral(argument),
        text: node.getText(),
      });
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

describe("Workers and static analysers", () => {
  it("every import() in src/ has a string-literal specifier", () => {
    const files = sources(join(root, "src"));
    assert.ok(files.length > 50);
    const bad: string[] = [];
    let literal = 0;
    for (const file of files) {
      for (const found of dynamicImports(file)) {
        if (found.literal) literal++;
        else bad.push(`${file.slice(root.length)}:${found.line}: ${found.text}`);
      }
    }
    assert.deepEqual(bad, []);
    assert.ok(literal > 0, "the lazy imports were found");
  });

  it("package.json asks for a Node with process.getBuiltinModule (>= 20.16)", () => {
    const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { engines: { node: string } };
    assert.equal(pkg.engines.node, ">=20.16");
  });
});
