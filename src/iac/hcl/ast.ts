/**
 * The HCL native-syntax AST. Every node carries its source range. The parser (parser.ts) produces
 * it; the Terraform JSON reader (json-syntax.ts) produces the same shapes from `*.tf.json`; the
 * Terraform evaluator consumes it.
 */

/** A position in a source file. `line` and `column` are 1-based; `offset` is a 0-based UTF-16 index. */
export interface Pos {
  line: number;
  column: number;
  offset: number;
}

export interface Range {
  file: string;
  start: Pos;
  end: Pos;
}

export interface Body {
  kind: 'Body';
  attributes: Attribute[];
  blocks: Block[];
  range: Range;
}

export interface Attribute {
  kind: 'Attribute';
  name: string;
  nameRange: Range;
  expr: Expr;
  range: Range;
}

export interface Block {
  kind: 'Block';
  type: string;
  typeRange: Range;
  labels: string[];
  labelRanges: Range[];
  body: Body;
  range: Range;
}

/** A comment, kept so suppressions (`# opsdeck:ignore ...`, `#checkov:skip=...`) can be read. */
export interface Comment {
  /** `#`, `//` or `/*` */
  style: '#' | '//' | '/*';
  /** Text without the comment markers. */
  text: string;
  range: Range;
}

export interface File {
  kind: 'File';
  path: string;
  body: Body;
  comments: Comment[];
}

export type Expr =
  | LiteralExpr
  | TemplateExpr
  | TupleExpr
  | ObjectExpr
  | VariableExpr
  | GetAttrExpr
  | IndexExpr
  | SplatExpr
  | FunctionCallExpr
  | ForExpr
  | ConditionalExpr
  | UnaryExpr
  | BinaryExpr
  | ParenExpr;

interface ExprBase {
  range: Range;
}

/** Number, bool or null literal. Numbers keep their source text for exactness. */
export interface LiteralExpr extends ExprBase {
  kind: 'Literal';
  value: number | boolean | null;
  raw?: string;
}

/**
 * A quoted string or heredoc. A plain string without interpolation is a TemplateExpr with one
 * literal part. Directives are represented as parts too.
 */
export interface TemplateExpr extends ExprBase {
  kind: 'Template';
  parts: TemplatePart[];
  /** True for heredocs. */
  heredoc?: boolean;
}

export type TemplatePart =
  | { kind: 'TemplateLiteral'; value: string; range: Range }
  | { kind: 'TemplateInterp'; expr: Expr; stripLeft: boolean; stripRight: boolean; range: Range }
  | {
      kind: 'TemplateIf';
      cond: Expr;
      then: TemplatePart[];
      else?: TemplatePart[];
      range: Range;
    }
  | {
      kind: 'TemplateFor';
      keyVar?: string;
      valueVar: string;
      collection: Expr;
      body: TemplatePart[];
      range: Range;
    };

export interface TupleExpr extends ExprBase {
  kind: 'Tuple';
  items: Expr[];
}

export interface ObjectItem {
  /**
   * The key expression. A bare identifier key (`name = 1`) is a VariableExpr whose `name` is the
   * key; the evaluator treats a bare identifier key as a literal string, as HCL does. A
   * parenthesised key `(var.x) = 1` is a ParenExpr and is evaluated.
   */
  key: Expr;
  value: Expr;
  range: Range;
}

export interface ObjectExpr extends ExprBase {
  kind: 'Object';
  items: ObjectItem[];
}

/** A root name: `var`, `local`, `aws_s3_bucket`, `each`, `count`, `path`, a for-variable... */
export interface VariableExpr extends ExprBase {
  kind: 'Variable';
  name: string;
}

export interface GetAttrExpr extends ExprBase {
  kind: 'GetAttr';
  object: Expr;
  name: string;
}

/** `a[i]`, and the legacy `a.0` form (then `key` is a number literal). */
export interface IndexExpr extends ExprBase {
  kind: 'Index';
  object: Expr;
  key: Expr;
}

/**
 * `a[*].b.c` (full splat) or `a.*.b` (attribute-only splat). `each` is the traversal applied to
 * each element, as an expression over the special VariableExpr named `@splat`.
 */
export interface SplatExpr extends ExprBase {
  kind: 'Splat';
  object: Expr;
  each: Expr;
  style: 'full' | 'attr';
}

export interface FunctionCallExpr extends ExprBase {
  kind: 'FunctionCall';
  name: string;
  args: Expr[];
  /** `f(list...)`: the last argument is expanded. */
  expandFinal: boolean;
}

export interface ForExpr extends ExprBase {
  kind: 'For';
  keyVar?: string;
  valueVar: string;
  collection: Expr;
  /** For object results (`{ for k, v in x : k => v }`). Undefined for tuple results. */
  keyExpr?: Expr;
  valueExpr: Expr;
  cond?: Expr;
  /** `...` after the value expression: group values by key. */
  grouping: boolean;
}

export interface ConditionalExpr extends ExprBase {
  kind: 'Conditional';
  cond: Expr;
  then: Expr;
  else: Expr;
}

export interface UnaryExpr extends ExprBase {
  kind: 'Unary';
  op: '!' | '-';
  operand: Expr;
}

export type BinaryOp = '||' | '&&' | '==' | '!=' | '<' | '>' | '<=' | '>=' | '+' | '-' | '*' | '/' | '%';

export interface BinaryExpr extends ExprBase {
  kind: 'Binary';
  op: BinaryOp;
  left: Expr;
  right: Expr;
}

export interface ParenExpr extends ExprBase {
  kind: 'Paren';
  expr: Expr;
}

/** A problem found while reading a file. Parsing recovers and continues where it can. */
export interface Diagnostic {
  severity: 'error' | 'warning';
  /** Short summary, in the style of HashiCorp's: "Invalid expression", "Unclosed configuration block". */
  summary: string;
  /** Full explanation. */
  detail: string;
  range: Range;
}

export interface ParseResult {
  file: File;
  diagnostics: Diagnostic[];
}
