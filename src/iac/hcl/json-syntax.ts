/**
 * Terraform JSON syntax (`*.tf.json`) read into the same AST as the native syntax, so the
 * evaluator and the rules do not care which syntax a file used.
 *
 * The JSON is read by a small position-tracking reader written here rather than JSON.parse (which
 * gives no positions and drops duplicate keys) or a library: findings need the line and column of
 * every key and value, and a reader for JSON's small grammar is about 200 lines with no dependency.
 *
 * Mapping (Terraform's rules, https://developer.hashicorp.com/terraform/language/syntax/json):
 * - top-level keys are block types; `resource` and `data` take two labels; `variable`, `output`,
 *   `module`, `provider` and `check` take one; `locals`, `terraform`, `moved`, `import` and
 *   `removed` take none. A label level's value may be an array of objects (repeated blocks).
 * - strings are templates (`"${var.x}"` is an interpolation); the strings that Terraform reads as
 *   expressions (`depends_on`, `provider`, `providers`, variable `type`, lifecycle
 *   `ignore_changes` / `replace_triggered_by`, `moved`/`import`/`removed` addresses) are parsed as
 *   expressions.
 * - without provider schemas, inside resource, data and provider bodies an object (or an array of
 *   objects) is a nested block, except for the known map-valued arguments (`tags`, `labels`...)
 *   which stay arguments; `dynamic`, `provisioner` take one label.
 * - `"//"` keys in bodies are comments: they are kept in File.comments, not in the body.
 */
import type {
  Attribute,
  Block,
  Body,
  Comment,
  Diagnostic,
  Expr,
  File,
  ObjectItem,
  ParseResult,
  Pos,
  Range,
} from './ast.js';
import { parseExpressionString, parseTemplateString } from './parser.js';

/**
 * Parses a Terraform JSON configuration file. Never throws for bad input: a JSON syntax error is
 * returned as a diagnostic with its line and column (and the body holds nothing).
 */
export function parseTfJson(source: string, file: string): ParseResult {
  const reader = new JsonReader(source, file);
  const diagnostics: Diagnostic[] = [];
  const comments: Comment[] = [];
  const root = reader.readDocument(diagnostics);
  const mapper = new Mapper(reader, file, diagnostics, comments);
  let body: Body = { kind: 'Body', attributes: [], blocks: [], range: reader.range(0, source.length) };
  if (root !== undefined) {
    if (root.t !== 'object') {
      mapper.error(
        'Invalid JSON configuration',
        'The root of a Terraform JSON file must be an object whose properties are block types ("resource", "variable", ...).',
        root,
      );
    } else {
      body = mapper.rootBody(root);
    }
  }
  const f: File = { kind: 'File', path: file, body, comments };
  diagnostics.sort((a, b) => a.range.start.offset - b.range.start.offset);
  return { file: f, diagnostics };
}

// ---- JSON reader with positions ----

type JNode = JObject | JArray | JString | JNumber | JLiteral;

interface JBase {
  start: number;
  end: number;
}

interface JObject extends JBase {
  t: 'object';
  entries: JEntry[];
}

interface JEntry {
  key: JString;
  value: JNode;
}

interface JArray extends JBase {
  t: 'array';
  items: JNode[];
}

interface JString extends JBase {
  t: 'string';
  value: string;
  /** Source offset of each decoded char (plus one past the end), when the string had escapes. */
  map: Int32Array | null;
}

interface JNumber extends JBase {
  t: 'number';
  raw: string;
}

interface JLiteral extends JBase {
  t: 'literal';
  value: boolean | null;
}

class JsonAbort extends Error {}
const ABORT = new JsonAbort('json abort');

const MAX_JSON_DEPTH = 500;

class JsonReader {
  readonly src: string;
  readonly file: string;
  private pos = 0;
  private depth = 0;
  private readonly lineStarts: number[] = [0];
  private lastLine = 0;
  private diagnostics: Diagnostic[] = [];

  constructor(src: string, file: string) {
    this.src = src;
    this.file = file;
    for (let k = src.indexOf('\n'); k >= 0; k = src.indexOf('\n', k + 1)) this.lineStarts.push(k + 1);
  }

  position(off: number): Pos {
    const ls = this.lineStarts;
    let line = this.lastLine;
    if (!(off >= ls[line]! && (line + 1 >= ls.length || off < ls[line + 1]!))) {
      let lo = 0;
      let hi = ls.length - 1;
      while (lo < hi) {
        const mid = (lo + hi + 1) >> 1;
        if (ls[mid]! <= off) lo = mid;
        else hi = mid - 1;
      }
      line = lo;
      this.lastLine = line;
    }
    return { line: line + 1, column: off - ls[line]! + 1, offset: off };
  }

  range(start: number, end: number): Range {
    return { file: this.file, start: this.position(start), end: this.position(end) };
  }

  readDocument(diagnostics: Diagnostic[]): JNode | undefined {
    this.diagnostics = diagnostics;
    try {
      if (this.src.charCodeAt(0) === 0xfeff) this.pos = 1;
      this.skipWs();
      const v = this.readValue();
      this.skipWs();
      if (this.pos < this.src.length) {
        this.fail('Extraneous data after value', 'Extra characters appear after the JSON value.', this.pos);
      }
      return v;
    } catch (e) {
      if (e !== ABORT) throw e;
      return undefined;
    }
  }

  private fail(summary: string, detail: string, at: number, end = at + 1): never {
    const e = Math.min(end, this.src.length);
    this.diagnostics.push({ severity: 'error', summary, detail, range: this.range(Math.min(at, e), e) });
    throw ABORT;
  }

  private skipWs(): void {
    const src = this.src;
    let p = this.pos;
    for (;;) {
      const c = src.charCodeAt(p);
      if (c === 32 || c === 10 || c === 13 || c === 9) p++;
      else break;
    }
    this.pos = p;
  }

  private readValue(): JNode {
    const c = this.src.charCodeAt(this.pos);
    switch (c) {
      case 123:
        return this.readObject();
      case 91:
        return this.readArray();
      case 34:
        return this.readString();
      case 116:
        return this.readWord('true', true);
      case 102:
        return this.readWord('false', false);
      case 110:
        return this.readWord('null', null);
      default:
        if (c === 45 || (c >= 48 && c <= 57)) return this.readNumber();
        if (Number.isNaN(c)) {
          this.fail('Missing value', 'A JSON value is expected here, but the file ends.', this.pos);
        }
        this.fail(
          'Invalid JSON syntax',
          `A JSON value (object, array, string, number, true, false or null) is expected here, not "${String.fromCharCode(c)}".`,
          this.pos,
        );
    }
  }

  private enter(): void {
    if (++this.depth > MAX_JSON_DEPTH) {
      this.fail(
        'Nesting too deep',
        `JSON values may be nested at most ${MAX_JSON_DEPTH} levels deep; this one goes deeper, so the file was not read.`,
        this.pos,
      );
    }
  }

  private readObject(): JObject {
    const start = this.pos++;
    this.enter();
    const entries: JEntry[] = [];
    this.skipWs();
    if (this.src.charCodeAt(this.pos) === 125) {
      this.pos++;
      this.depth--;
      return { t: 'object', start, end: this.pos, entries };
    }
    for (;;) {
      this.skipWs();
      if (this.src.charCodeAt(this.pos) !== 34) {
        if (this.pos >= this.src.length) this.unclosed(start, 'object', '}');
        this.fail(
          'Invalid JSON syntax',
          'A property name in double quotes is expected here (JSON allows no trailing comma).',
          this.pos,
        );
      }
      const key = this.readString();
      this.skipWs();
      if (this.src.charCodeAt(this.pos) !== 58) {
        this.fail('Missing property value colon', 'JSON uses a colon (":") after a property name.', this.pos);
      }
      this.pos++;
      this.skipWs();
      const value = this.readValue();
      entries.push({ key, value });
      this.skipWs();
      const c = this.src.charCodeAt(this.pos);
      if (c === 44) {
        this.pos++;
        continue;
      }
      if (c === 125) {
        this.pos++;
        break;
      }
      if (this.pos >= this.src.length) this.unclosed(start, 'object', '}');
      this.fail(
        'Missing attribute separator comma',
        'A comma (",") must separate each property from the next, and "}" ends the object.',
        this.pos,
      );
    }
    this.depth--;
    return { t: 'object', start, end: this.pos, entries };
  }

  private unclosed(start: number, what: string, close: string): never {
    this.fail(
      `Unclosed JSON ${what}`,
      `There is no closing "${close}" for this ${what} before the end of the file.`,
      start,
    );
  }

  private readArray(): JArray {
    const start = this.pos++;
    this.enter();
    const items: JNode[] = [];
    this.skipWs();
    if (this.src.charCodeAt(this.pos) === 93) {
      this.pos++;
      this.depth--;
      return { t: 'array', start, end: this.pos, items };
    }
    for (;;) {
      this.skipWs();
      if (this.pos >= this.src.length) this.unclosed(start, 'array', ']');
      items.push(this.readValue());
      this.skipWs();
      const c = this.src.charCodeAt(this.pos);
      if (c === 44) {
        this.pos++;
        continue;
      }
      if (c === 93) {
        this.pos++;
        break;
      }
      if (this.pos >= this.src.length) this.unclosed(start, 'array', ']');
      this.fail(
        'Missing array element separator',
        'A comma (",") must separate each array element from the next, and "]" ends the array.',
        this.pos,
      );
    }
    this.depth--;
    return { t: 'array', start, end: this.pos, items };
  }

  private readString(): JString {
    const src = this.src;
    const start = this.pos;
    let p = start + 1;
    // Fast path: no escapes.
    for (;;) {
      const c = src.charCodeAt(p);
      if (c === 34) {
        this.pos = p + 1;
        return { t: 'string', start, end: p + 1, value: src.slice(start + 1, p), map: null };
      }
      if (c === 92) break;
      if (c < 32 || Number.isNaN(c)) this.badStringChar(start, p);
      p++;
    }
    const chars: string[] = [];
    const map: number[] = [];
    p = start + 1;
    for (;;) {
      const c = src.charCodeAt(p);
      if (c === 34) break;
      if (c < 32 || Number.isNaN(c)) this.badStringChar(start, p);
      if (c !== 92) {
        chars.push(src[p]!);
        map.push(p);
        p++;
        continue;
      }
      const n = src.charCodeAt(p + 1);
      let out: string;
      let adv = 2;
      switch (n) {
        case 34:
          out = '"';
          break;
        case 92:
          out = '\\';
          break;
        case 47:
          out = '/';
          break;
        case 98:
          out = '\b';
          break;
        case 102:
          out = '\f';
          break;
        case 110:
          out = '\n';
          break;
        case 114:
          out = '\r';
          break;
        case 116:
          out = '\t';
          break;
        case 117: {
          const hex = src.slice(p + 2, p + 6);
          if (!/^[0-9a-fA-F]{4}$/.test(hex)) {
            this.fail(
              'Invalid escape sequence',
              'A \\u escape must be followed by four hexadecimal digits.',
              p,
              p + 6,
            );
          }
          out = String.fromCharCode(parseInt(hex, 16));
          adv = 6;
          break;
        }
        default:
          this.fail(
            'Invalid escape sequence',
            'Valid JSON escapes are \\", \\\\, \\/, \\b, \\f, \\n, \\r, \\t and \\uNNNN.',
            p,
            p + 2,
          );
      }
      chars.push(out);
      map.push(p);
      p += adv;
    }
    map.push(p);
    this.pos = p + 1;
    return { t: 'string', start, end: p + 1, value: chars.join(''), map: Int32Array.from(map) };
  }

  private badStringChar(start: number, p: number): never {
    if (p >= this.src.length) {
      this.fail(
        'Unterminated string',
        'There is no closing quote for this string before the end of the file.',
        start,
      );
    }
    this.fail(
      'Invalid JSON string',
      'JSON strings may not contain raw control characters such as newlines; use escapes like \\n.',
      p,
    );
  }

  private readNumber(): JNumber {
    const src = this.src;
    const start = this.pos;
    let p = start;
    if (src.charCodeAt(p) === 45) p++;
    const digitsFrom = p;
    while (isDigit(src.charCodeAt(p))) p++;
    if (p === digitsFrom) this.fail('Invalid number', 'A digit is expected here.', p);
    if (src.charCodeAt(p) === 46) {
      p++;
      const f = p;
      while (isDigit(src.charCodeAt(p))) p++;
      if (p === f) this.fail('Invalid number', 'A digit is expected after the decimal point.', p);
    }
    const e = src.charCodeAt(p);
    if (e === 101 || e === 69) {
      p++;
      const s = src.charCodeAt(p);
      if (s === 43 || s === 45) p++;
      const f = p;
      while (isDigit(src.charCodeAt(p))) p++;
      if (p === f) this.fail('Invalid number', 'A digit is expected in the exponent.', p);
    }
    this.pos = p;
    return { t: 'number', start, end: p, raw: src.slice(start, p) };
  }

  private readWord(word: string, value: boolean | null): JLiteral {
    const start = this.pos;
    if (!this.src.startsWith(word, start)) {
      let p = start;
      while (p < this.src.length && /[A-Za-z0-9_]/.test(this.src[p]!)) p++;
      this.fail(
        'Invalid JSON keyword',
        `"${this.src.slice(start, Math.max(p, start + 1))}" is not a JSON keyword: only true, false and null are.`,
        start,
        Math.max(p, start + 1),
      );
    }
    this.pos = start + word.length;
    return { t: 'literal', start, end: this.pos, value };
  }
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

// ---- JSON values onto the HCL AST ----

/** How the properties of a body are read. */
type BodyKind =
  'generic' | 'attrs' | 'variable' | 'output' | 'module' | 'terraform' | 'lifecycle' | 'dynamic' | 'address';

const ROOT_LABELS: Record<string, number> = {
  resource: 2,
  data: 2,
  variable: 1,
  output: 1,
  module: 1,
  provider: 1,
  check: 1,
  locals: 0,
  terraform: 0,
  moved: 0,
  import: 0,
  removed: 0,
};

const ROOT_BODY: Record<string, BodyKind> = {
  resource: 'generic',
  data: 'generic',
  provider: 'generic',
  check: 'generic',
  variable: 'variable',
  output: 'output',
  module: 'module',
  locals: 'attrs',
  terraform: 'terraform',
  moved: 'address',
  import: 'address',
  removed: 'address',
};

/** Arguments whose value is a map: an object there is an argument, not a nested block. */
const MAP_ARGUMENTS = new Set([
  'tags',
  'tags_all',
  'labels',
  'annotations',
  'variables',
  'parameters',
  'triggers',
  'resource_labels',
  'user_labels',
  'default_labels',
  'environment_variables',
  'metadata_startup_script',
]);

/** Arguments whose string values are expressions, not templates, by body kind. */
const EXPRESSION_ARGUMENTS: Partial<Record<BodyKind, Set<string>>> = {
  generic: new Set(['depends_on', 'provider']),
  module: new Set(['depends_on', 'providers']),
  output: new Set(['depends_on']),
  variable: new Set(['type']),
  lifecycle: new Set(['ignore_changes', 'replace_triggered_by']),
  address: new Set(['from', 'to']),
};

class Mapper {
  private readonly reader: JsonReader;
  private readonly file: string;
  private readonly diagnostics: Diagnostic[];
  private readonly comments: Comment[];

  constructor(reader: JsonReader, file: string, diagnostics: Diagnostic[], comments: Comment[]) {
    this.reader = reader;
    this.file = file;
    this.diagnostics = diagnostics;
    this.comments = comments;
  }

  private range(n: { start: number; end: number }): Range {
    return this.reader.range(n.start, n.end);
  }

  error(summary: string, detail: string, at: { start: number; end: number }): void {
    this.diagnostics.push({ severity: 'error', summary, detail, range: this.range(at) });
  }

  rootBody(root: JObject): Body {
    const attributes: Attribute[] = [];
    const blocks: Block[] = [];
    for (const { key, value } of root.entries) {
      if (key.value === '//') {
        this.comment(key, value);
        continue;
      }
      const labels = ROOT_LABELS[key.value];
      if (labels === undefined) {
        this.error(
          'Unsupported block type',
          `"${key.value}" is not a Terraform top-level block type; expected one of ${Object.keys(ROOT_LABELS).join(', ')}.`,
          key,
        );
        continue;
      }
      this.blocksFrom(key, value, labels, [], [], ROOT_BODY[key.value] ?? 'generic', blocks);
    }
    return { kind: 'Body', attributes, blocks, range: this.range(root) };
  }

  private comment(key: JString, value: JNode): void {
    const text = value.t === 'string' ? value.value : this.reader.src.slice(value.start, value.end);
    this.comments.push({ style: '//', text, range: this.reader.range(key.start, value.end) });
  }

  /** Descends `labelsLeft` label levels, then makes one block per body object. */
  private blocksFrom(
    typeKey: JString,
    value: JNode,
    labelsLeft: number,
    labels: string[],
    labelRanges: Range[],
    kind: BodyKind,
    out: Block[],
    labelStarts: number[] = [],
  ): void {
    if (value.t === 'array') {
      for (const item of value.items)
        this.blocksFrom(typeKey, item, labelsLeft, labels, labelRanges, kind, out);
      return;
    }
    if (value.t !== 'object') {
      this.error(
        'Invalid block',
        labelsLeft > 0
          ? `A "${typeKey.value}" block in JSON is an object whose property names are its labels.`
          : `The body of a "${typeKey.value}" block must be a JSON object (or an array of objects).`,
        value,
      );
      return;
    }
    if (labelsLeft > 0) {
      for (const { key, value: v } of value.entries) {
        if (key.value === '//') {
          this.comment(key, v);
          continue;
        }
        this.blocksFrom(
          typeKey,
          v,
          labelsLeft - 1,
          [...labels, key.value],
          [...labelRanges, this.range(key)],
          kind,
          out,
          [...labelStarts, key.start],
        );
      }
      return;
    }
    out.push({
      kind: 'Block',
      type: typeKey.value,
      typeRange: this.range(typeKey),
      labels,
      labelRanges,
      body: this.body(value, kind),
      range: this.reader.range(
        labelStarts.length > 0 ? labelStarts[labelStarts.length - 1]! : typeKey.start,
        value.end,
      ),
    });
  }

  private body(obj: JObject, kind: BodyKind): Body {
    const attributes: Attribute[] = [];
    const blocks: Block[] = [];
    const exprArgs = EXPRESSION_ARGUMENTS[kind];
    for (const { key, value } of obj.entries) {
      const name = key.value;
      if (name === '//') {
        this.comment(key, value);
        continue;
      }
      const nested = this.nestedBlock(kind, name, value);
      if (nested !== undefined) {
        this.blocksFrom(key, value, nested.labels, [], [], nested.kind, blocks);
        continue;
      }
      let expr: Expr;
      if (exprArgs?.has(name) === true) expr = this.exprOrList(value);
      else if (kind === 'module' && name === 'providers' && value.t === 'object')
        expr = this.objectOfExprs(value);
      else expr = this.value(value);
      attributes.push({
        kind: 'Attribute',
        name,
        nameRange: this.range(key),
        expr,
        range: this.reader.range(key.start, value.end),
      });
    }
    return { kind: 'Body', attributes, blocks, range: this.range(obj) };
  }

  /** Whether property `name` of a `kind` body is a nested block, and how to read it. */
  private nestedBlock(
    kind: BodyKind,
    name: string,
    value: JNode,
  ): { labels: number; kind: BodyKind } | undefined {
    const objectLike =
      value.t === 'object' ||
      (value.t === 'array' && value.items.length > 0 && value.items.every((v) => v.t === 'object'));
    if (!objectLike) return undefined;
    switch (kind) {
      case 'generic':
        if (name === 'lifecycle') return { labels: 0, kind: 'lifecycle' };
        if (name === 'dynamic') return { labels: 1, kind: 'dynamic' };
        if (name === 'provisioner') return { labels: 1, kind: 'generic' };
        if (MAP_ARGUMENTS.has(name)) return undefined;
        return { labels: 0, kind: 'generic' };
      case 'dynamic':
        return name === 'content' ? { labels: 0, kind: 'generic' } : undefined;
      case 'lifecycle':
        return name === 'precondition' || name === 'postcondition' ? { labels: 0, kind: 'attrs' } : undefined;
      case 'variable':
        return name === 'validation' ? { labels: 0, kind: 'attrs' } : undefined;
      case 'output':
        return name === 'precondition' ? { labels: 0, kind: 'attrs' } : undefined;
      case 'terraform':
        if (name === 'required_providers') return { labels: 0, kind: 'attrs' };
        if (name === 'backend') return { labels: 1, kind: 'attrs' };
        if (name === 'cloud') return { labels: 0, kind: 'generic' };
        return undefined;
      default:
        return undefined;
    }
  }

  private value(n: JNode): Expr {
    switch (n.t) {
      case 'string':
        return this.template(n);
      case 'number':
        return { kind: 'Literal', value: Number(n.raw), raw: n.raw, range: this.range(n) };
      case 'literal':
        return { kind: 'Literal', value: n.value, range: this.range(n) };
      case 'array':
        return { kind: 'Tuple', items: n.items.map((v) => this.value(v)), range: this.range(n) };
      case 'object': {
        const items: ObjectItem[] = n.entries.map(({ key, value }) => ({
          key: this.literalString(key),
          value: this.value(value),
          range: this.reader.range(key.start, value.end),
        }));
        return { kind: 'Object', items, range: this.range(n) };
      }
    }
  }

  private objectOfExprs(n: JObject): Expr {
    const items: ObjectItem[] = n.entries.map(({ key, value }) => ({
      key: this.literalString(key),
      value: this.exprOrList(value),
      range: this.reader.range(key.start, value.end),
    }));
    return { kind: 'Object', items, range: this.range(n) };
  }

  private literalString(s: JString): Expr {
    return {
      kind: 'Template',
      parts: [{ kind: 'TemplateLiteral', value: s.value, range: this.reader.range(s.start + 1, s.end - 1) }],
      range: this.range(s),
    };
  }

  /** A string read as an expression, or an array of such strings. */
  private exprOrList(n: JNode): Expr {
    if (n.t === 'array')
      return { kind: 'Tuple', items: n.items.map((v) => this.exprOrList(v)), range: this.range(n) };
    if (n.t !== 'string') return this.value(n);
    let text = n.value;
    let shift = 0;
    // "${aws_s3_bucket.b}" is accepted where an expression is expected, as Terraform does.
    if (text.startsWith('${') && text.endsWith('}') && text.indexOf('${', 2) < 0) {
      text = text.slice(2, -1);
      shift = 2;
    }
    const r = parseExpressionString(text, this.file);
    this.remapAll(r, n, shift);
    if (r.expr === undefined) return this.literalString(n);
    return r.expr;
  }

  private template(n: JString): Expr {
    const v = n.value;
    if (!v.includes('${') && !v.includes('%{')) return this.literalString(n);
    const r = parseTemplateString(v, this.file);
    this.remapAll(r, n, 0);
    return r.expr;
  }

  /** Moves ranges from positions in the decoded string to positions in the JSON source. */
  private remapAll(r: { expr: unknown; diagnostics: Diagnostic[] }, s: JString, shift: number): void {
    const seen = new WeakSet<object>();
    const base = s.start + 1;
    const map = s.map;
    const fix = (p: Pos): void => {
      // The parser shares Pos objects between a node and its parent: move each one once.
      if (seen.has(p)) return;
      seen.add(p);
      const k = p.offset + shift;
      const off = map === null ? base + k : (map[Math.min(k, map.length - 1)] ?? s.end - 1);
      const np = this.reader.position(off);
      p.offset = np.offset;
      p.line = np.line;
      p.column = np.column;
    };
    const walk = (v: unknown): void => {
      if (typeof v !== 'object' || v === null || seen.has(v)) return;
      seen.add(v);
      if (Array.isArray(v)) {
        for (const x of v) walk(x);
        return;
      }
      const o = v as Record<string, unknown>;
      if (typeof o['file'] === 'string' && isPos(o['start']) && isPos(o['end'])) {
        fix(o['start']);
        fix(o['end']);
        return;
      }
      for (const key of Object.keys(o)) walk(o[key]);
    };
    walk(r.expr);
    for (const d of r.diagnostics) {
      walk(d.range);
      this.diagnostics.push(d);
    }
  }
}

function isPos(v: unknown): v is Pos {
  return typeof v === 'object' && v !== null && typeof (v as Pos).offset === 'number';
}
