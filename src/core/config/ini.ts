/**
 * The INI dialect of the AWS shared `config` and `credentials` files, read as the AWS CLI and SDKs
 * read it:
 *
 * - `[section]` headers (a trailing `#` or `;` comment allowed); section names keep their case;
 * - `key = value` properties; keys are case-insensitive (stored in lower case); values trimmed;
 * - whole-line comments starting with `#` or `;`, and in values a comment that starts with
 *   whitespace followed by `#` or `;`;
 * - continuation lines: an indented line continues the previous value (joined with a newline);
 * - sub-sections: a property with an empty value followed by indented `key = value` lines
 *   (`sqs =` / `  endpoint_url = ...`) becomes a map;
 * - a later duplicate section or key adds to, or overrides, the earlier one;
 * - lines that are none of these are skipped, as the SDKs do.
 *
 * @module
 */

/** A property value: a string, or the map of a sub-section. */
export type IniValue = string | Readonly<Record<string, string>>;

/** The properties of one section, by lower-case key. */
export type IniSection = Record<string, IniValue>;

/** A parsed file: sections by name as written between the brackets, trimmed. */
export type IniFile = Record<string, IniSection>;

/** A plain object without a prototype, so `__proto__` and `constructor` are ordinary keys. */
function dict<T>(): Record<string, T> {
  return Object.create(null) as Record<string, T>;
}

/** Removes a `#` or `;` comment that follows whitespace, and trims. */
function stripComment(value: string): string {
  const match = /[ \t][#;]/.exec(value);
  return (match ? value.slice(0, match.index) : value).trim();
}

/** Parses the text of a shared `config` or `credentials` file. Never throws. */
export function parseIni(text: string): IniFile {
  const file = dict<IniSection>();
  let section: IniSection | undefined;
  let key: string | undefined;
  let sub: Record<string, string> | undefined;
  const source = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  for (const raw of source.split(/\r?\n|\r/)) {
    const trimmed = raw.trim();
    if (trimmed === "" || trimmed[0] === "#" || trimmed[0] === ";") continue;
    const indented = raw[0] === " " || raw[0] === "\t";
    if (!indented && trimmed[0] === "[") {
      key = undefined;
      sub = undefined;
      const close = trimmed.indexOf("]");
      const rest = close < 0 ? "" : trimmed.slice(close + 1).trim();
      const name = close < 0 ? "" : trimmed.slice(1, close).trim();
      if (close < 0 || name === "" || (rest !== "" && rest[0] !== "#" && rest[0] !== ";")) {
        section = undefined; // a malformed header: its properties are skipped
        continue;
      }
      section = file[name] ?? dict<IniValue>();
      file[name] = section;
      continue;
    }
    if (!section) continue;
    if (indented && key !== undefined) {
      const current = section[key];
      if (sub !== undefined || current === "") {
        const eq = trimmed.indexOf("=");
        if (eq <= 0) continue;
        if (sub === undefined) {
          sub = dict<string>();
          section[key] = sub;
        }
        sub[trimmed.slice(0, eq).trim().toLowerCase()] = stripComment(trimmed.slice(eq + 1));
      } else if (typeof current === "string") {
        section[key] = `${current}\n${stripComment(trimmed)}`;
      }
      continue;
    }
    const eq = trimmed.indexOf("=");
    if (eq <= 0) {
      key = undefined;
      sub = undefined;
      continue;
    }
    key = trimmed.slice(0, eq).trim().toLowerCase();
    sub = undefined;
    section[key] = stripComment(trimmed.slice(eq + 1));
  }
  return file;
}
