/**
 * The HCL native-syntax parser: a hand-written recursive-descent parser over the token stream of
 * lexer.ts, producing the AST of ast.ts with a source range on every node. It follows HashiCorp's
 * hclsyntax specification and reports problems with the same summaries as HashiCorp's parser.
 *
 * It never throws for bad input: every problem becomes a Diagnostic and parsing recovers at the
 * next body item (the next line, or the next top-level block), so one broken block does not hide
 * the rest of the file.
 */
import type {
  Attribute,
  BinaryOp,
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
  TemplateExpr,
  TemplatePart,
} from './ast.js';
import * as lexer from './lexer.js';

// Token types as module-local constants: hot loops then read plain bindings, never a module
// namespace property (which some loaders compile to a getter call per access).
const {
  scan,
  tokenName,
  TK_AND,
  TK_ARROW,
  TK_ASSIGN,
  TK_BANG,
  TK_CHEREDOC,
  TK_COLON,
  TK_COMMA,
  TK_CONTROL,
  TK_CONTROL_STRIP,
  TK_CQUOTE,
  TK_DCOLON,
  TK_DOT,
  TK_ELLIPSIS,
  TK_EOF,
  TK_EQ,
  TK_GT,
  TK_GTE,
  TK_HEREDOC_LIT,
  TK_IDENT,
  TK_INTERP,
  TK_INTERP_STRIP,
  TK_INVALID,
  TK_LBRACE,
  TK_LBRACK,
  TK_LPAREN,
  TK_LT,
  TK_LTE,
  TK_MINUS,
  TK_NEQ,
  TK_NEWLINE,
  TK_NUMBER,
  TK_OHEREDOC,
  TK_OQUOTE,
  TK_OR,
  TK_PERCENT,
  TK_PLUS,
  TK_QUESTION,
  TK_QUOTED_LIT,
  TK_RBRACE,
  TK_RBRACK,
  TK_RPAREN,
  TK_SEQ_END,
  TK_SEQ_END_STRIP,
  TK_SLASH,
  TK_STAR,
} = lexer;

/** Expressions and blocks nested deeper than this are reported instead of parsed (stack safety). */
export const MAX_NESTING_DEPTH = 500;
/** Past this many diagnostics in one file, parsing stops with a final diagnostic. */
export const MAX_DIAGNOSTICS = 100;

class ParseAbort extends Error {}
/** Thrown (one shared instance, no stack capture cost per use) to unwind to the body item. */
const ABORT = new ParseAbort('hcl parse abort');

const BINARY_PREC: Int8Array = (() => {
  const t = new Int8Array(64).fill(-1);
  t[TK_OR] = 1;
  t[TK_AND] = 2;
  t[TK_EQ] = 3;
  t[TK_NEQ] = 3;
  t[TK_LT] = 4;
  t[TK_GT] = 4;
  t[TK_LTE] = 4;
  t[TK_GTE] = 4;
  t[TK_PLUS] = 5;
  t[TK_MINUS] = 5;
  t[TK_STAR] = 6;
  t[TK_SLASH] = 6;
  t[TK_PERCENT] = 6;
  return t;
})();

const BINARY_OP: (BinaryOp | undefined)[] = [];
BINARY_OP[TK_OR] = '||';
BINARY_OP[TK_AND] = '&&';
BINARY_OP[TK_EQ] = '==';
BINARY_OP[TK_NEQ] = '!=';
BINARY_OP[TK_LT] = '<';
BINARY_OP[TK_GT] = '>';
BINARY_OP[TK_LTE] = '<=';
BINARY_OP[TK_GTE] = '>=';
BINARY_OP[TK_PLUS] = '+';
BINARY_OP[TK_MINUS] = '-';
BINARY_OP[TK_STAR] = '*';
BINARY_OP[TK_SLASH] = '/';
BINARY_OP[TK_PERCENT] = '%';

const COMMENT_STYLES = ['#', '//', '/*'] as const;

/**
 * Parses HCL native syntax (`*.tf`, `*.hcl`). Never throws for bad input: problems are returned
 * as diagnostics, and the File holds everything that could be read.
 *
 * @example
 * const { file, diagnostics } = parseHcl('resource "aws_s3_bucket" "b" {\n  bucket = "x"\n}\n', 'main.tf');
 * file.body.blocks[0]?.labels; // ['aws_s3_bucket', 'b']
 */
export function parseHcl(source: string, file: string): ParseResult {
  return new Parser(source, file).parseFile();
}

/**
 * Parses text that is entirely a template body (no quotes), as Terraform JSON string values are:
 * `"bucket-${var.env}"` in JSON is the template `bucket-${var.env}`. Ranges are relative to `text`.
 */
export function parseTemplateString(
  text: string,
  file: string,
): { expr: TemplateExpr; diagnostics: Diagnostic[] } {
  return new Parser(text, file, true).parseBareTemplate();
}

/**
 * Parses text that is one expression (Terraform JSON's `depends_on` items, `type`, `provider`...).
 * `expr` is undefined when the text is not a valid expression (the diagnostics say why).
 */
export function parseExpressionString(
  text: string,
  file: string,
): { expr: Expr | undefined; diagnostics: Diagnostic[] } {
  return new Parser(text, file, false).parseStandaloneExpression();
}

/** Formats a diagnostic as `file:line:column: summary: detail`, the way the CLI prints it. */
export function formatDiagnostic(d: Diagnostic): string {
  return `${d.range.file}:${d.range.start.line}:${d.range.start.column}: ${d.severity}: ${d.summary}: ${d.detail}`;
}

interface TemplateState {
  /** Strip leading whitespace from the next literal (set by `~}`). */
  stripNext: boolean;
  /** For `<<-` heredocs: the indentation to remove from each line-leading literal token. */
  flush: number;
  /** Token indices of line-leading literals that the flush applies to. */
  flushTokens: Set<number> | null;
}

class Parser {
  private readonly src: string;
  private readonly file: string;
  private readonly types: Uint8Array;
  private readonly starts: Int32Array;
  private readonly ends: Int32Array;
  private readonly lineStarts: Int32Array;
  private readonly lineCount: number;
  private readonly eofIndex: number;
  private readonly lexComments: number[];
  private i = 0;
  /** When false, newline tokens are skipped (inside parentheses, brackets, interpolations). */
  private nl = true;
  private depth = 0;
  private lastLine = 0;
  private stopped = false;
  private readonly diagnostics: Diagnostic[] = [];

  private readonly bare: boolean;

  constructor(src: string, file: string, bare = false) {
    this.src = src;
    this.file = file;
    this.bare = bare;
    const ts = scan(src, bare);
    this.types = ts.types;
    this.starts = ts.starts;
    this.ends = ts.ends;
    this.lineStarts = ts.lineStarts;
    this.lineCount = ts.lineCount;
    this.eofIndex = ts.count - 1;
    this.lexComments = ts.comments;
    for (const d of ts.diagnostics) this.report(d.summary, d.detail, d.start, d.end);
  }

  parseFile(): ParseResult {
    const attributes: Attribute[] = [];
    const blocks: Block[] = [];
    this.parseBodyItems(attributes, blocks, -1);
    const body: Body = {
      kind: 'Body',
      attributes,
      blocks,
      range: this.range(0, this.src.length),
    };
    const comments: Comment[] = [];
    const lc = this.lexComments;
    for (let k = 0; k < lc.length; k += 3) {
      const style = lc[k]!;
      const s = lc[k + 1]!;
      const e = lc[k + 2]!;
      let text: string;
      if (style === 0) text = this.src.slice(s + 1, e);
      else if (style === 1) text = this.src.slice(s + 2, e);
      else text = this.src.slice(s + 2, this.src.endsWith('*/', e) && e - s >= 4 ? e - 2 : e);
      if (style !== 2 && text.endsWith('\r')) text = text.slice(0, -1);
      comments.push({ style: COMMENT_STYLES[style]!, text, range: this.range(s, e) });
    }
    const file: File = { kind: 'File', path: this.file, body, comments };
    this.diagnostics.sort((a, b) => a.range.start.offset - b.range.start.offset);
    return { file, diagnostics: this.diagnostics };
  }

  parseBareTemplate(): { expr: TemplateExpr; diagnostics: Diagnostic[] } {
    let expr: TemplateExpr;
    try {
      expr = this.parseTemplate();
    } catch (e) {
      if (e !== ABORT) throw e;
      expr = {
        kind: 'Template',
        parts: [{ kind: 'TemplateLiteral', value: this.src, range: this.range(0, this.src.length) }],
        range: this.range(0, this.src.length),
      };
    }
    return { expr, diagnostics: this.diagnostics };
  }

  parseStandaloneExpression(): { expr: Expr | undefined; diagnostics: Diagnostic[] } {
    this.nl = false;
    let expr: Expr | undefined;
    try {
      expr = this.parseExpression();
      if (this.peek() !== TK_EOF) {
        this.failAt(
          this.i,
          'Extra characters after expression',
          'An expression was successfully parsed, but extra characters were found after it.',
        );
      }
    } catch (e) {
      if (e !== ABORT) throw e;
      expr = undefined;
    }
    return { expr, diagnostics: this.diagnostics };
  }

  // ---- positions and diagnostics ----

  private pos(off: number): Pos {
    const ls = this.lineStarts;
    const n = this.lineCount;
    let line = this.lastLine;
    if (!(off >= ls[line]! && (line + 1 >= n || off < ls[line + 1]!))) {
      if (line + 1 < n && off >= ls[line + 1]! && (line + 2 >= n || off < ls[line + 2]!)) {
        line = line + 1;
      } else {
        let lo = 0;
        let hi = n - 1;
        while (lo < hi) {
          const mid = (lo + hi + 1) >> 1;
          if (ls[mid]! <= off) lo = mid;
          else hi = mid - 1;
        }
        line = lo;
      }
      this.lastLine = line;
    }
    return { line: line + 1, column: off - ls[line]! + 1, offset: off };
  }

  private range(start: number, end: number): Range {
    return { file: this.file, start: this.pos(start), end: this.pos(end) };
  }

  /** A range reusing existing Pos objects (fewer allocations; Pos objects are never mutated). */
  private span(start: Pos, end: Pos): Range {
    return { file: this.file, start, end };
  }

  private tokRange(k: number): Range {
    return this.range(this.starts[k]!, this.ends[k]!);
  }

  private report(summary: string, detail: string, start: number, end: number): void {
    if (this.stopped) return;
    if (this.diagnostics.length >= MAX_DIAGNOSTICS) {
      this.diagnostics.push({
        severity: 'error',
        summary: 'Too many errors',
        detail: `Parsing stopped after ${MAX_DIAGNOSTICS} errors in this file; the rest of the file was not read.`,
        range: this.range(start, end),
      });
      this.stopped = true;
      this.i = this.eofIndex;
      throw ABORT;
    }
    this.diagnostics.push({ severity: 'error', summary, detail, range: this.range(start, end) });
  }

  private fail(summary: string, detail: string, start: number, end: number): never {
    this.report(summary, detail, start, end);
    throw ABORT;
  }

  private failAt(k: number, summary: string, detail: string): never {
    this.fail(summary, detail, this.starts[k]!, this.ends[k]!);
  }

  // ---- token cursor ----

  /** The current token type; skips newlines when they are not significant. */
  private peek(): number {
    if (!this.nl) {
      while (this.types[this.i] === TK_NEWLINE) this.i++;
    }
    return this.types[this.i]!;
  }

  private advance(): number {
    const k = this.i;
    if (k < this.eofIndex) this.i = k + 1;
    return k;
  }

  private text(k: number): string {
    return this.src.slice(this.starts[k], this.ends[k]);
  }

  private isKeyword(k: number, word: string): boolean {
    if (this.types[k] !== TK_IDENT) return false;
    const s = this.starts[k]!;
    if (this.ends[k]! - s !== word.length) return false;
    return this.src.startsWith(word, s);
  }

  // ---- bodies ----

  /**
   * Reads body items until the closing brace (returned as a token index) or the end of input (-1).
   * `openIdx` is the block's opening brace, or -1 for the file body.
   */
  private parseBodyItems(attributes: Attribute[], blocks: Block[], openIdx: number): number {
    const types = this.types;
    for (;;) {
      const t = types[this.i]!;
      if (t === TK_NEWLINE) {
        this.i++;
        continue;
      }
      if (t === TK_EOF) return -1;
      if (t === TK_RBRACE) {
        if (openIdx >= 0) return this.i;
        const k = this.advance();
        try {
          this.report(
            'Argument or block definition required',
            'An argument or block definition is required here. This closing brace has no matching opening brace.',
            this.starts[k]!,
            this.ends[k]!,
          );
        } catch (e) {
          if (e !== ABORT) throw e;
          return -1;
        }
        continue;
      }
      const itemStart = this.i;
      const depth = this.depth;
      try {
        this.parseBodyItem(attributes, blocks);
      } catch (e) {
        if (e !== ABORT) throw e;
        this.depth = depth;
        this.nl = true;
        if (this.stopped) return -1;
        this.recover(itemStart);
      }
      if (this.hoisted !== null) {
        for (const a of this.hoisted.attributes) attributes.push(a);
        for (const b of this.hoisted.blocks) blocks.push(b);
        this.hoisted = null;
      }
    }
  }

  /** Skips from token `from` to just after the end of the current body item (bracket-aware). */
  private recover(from: number): void {
    const types = this.types;
    let k = from;
    let depth = 0;
    for (;;) {
      const t = types[k]!;
      if (t === TK_EOF) break;
      if (
        t === TK_LBRACE ||
        t === TK_LBRACK ||
        t === TK_LPAREN ||
        t === TK_OQUOTE ||
        t === TK_OHEREDOC ||
        t === TK_INTERP ||
        t === TK_INTERP_STRIP ||
        t === TK_CONTROL ||
        t === TK_CONTROL_STRIP
      ) {
        depth++;
      } else if (
        t === TK_RBRACE ||
        t === TK_RBRACK ||
        t === TK_RPAREN ||
        t === TK_CQUOTE ||
        t === TK_CHEREDOC ||
        t === TK_SEQ_END ||
        t === TK_SEQ_END_STRIP
      ) {
        if (depth === 0) {
          if (t === TK_RBRACE) break;
        } else depth--;
      } else if (t === TK_NEWLINE) {
        if (depth === 0) {
          k++;
          break;
        }
        // Inside unbalanced brackets: a line that starts at column 1 with a name is, in formatted
        // code, the next top-level block or argument. Resume there rather than losing the file.
        if (types[k + 1] === TK_IDENT && this.src.charCodeAt(this.starts[k + 1]! - 1) === 10) {
          k++;
          break;
        }
      }
      k++;
    }
    // Never stay on the token where the item started, or the caller would loop.
    this.i = k === from && types[k] !== TK_EOF && types[k] !== TK_RBRACE ? k + 1 : k;
  }

  private parseBodyItem(attributes: Attribute[], blocks: Block[]): void {
    const types = this.types;
    const nameIdx = this.i;
    const t = types[nameIdx]!;
    if (t !== TK_IDENT) {
      if (t === TK_OQUOTE) {
        this.failAt(nameIdx, 'Invalid argument name', 'Argument names must not be quoted.');
      }
      this.failAt(
        nameIdx,
        'Argument or block definition required',
        'An argument or block definition is required here.',
      );
    }
    this.i++;
    const next = types[this.i]!;
    if (next === TK_ASSIGN) {
      attributes.push(this.finishAttribute(nameIdx, false));
      return;
    }
    if (next === TK_OQUOTE || next === TK_LBRACE || next === TK_IDENT) {
      blocks.push(this.finishBlock(nameIdx));
      return;
    }
    this.failAt(
      nameIdx,
      'Argument or block definition required',
      'An argument or block definition is required here. To set an argument, use the equals sign "=" to introduce the argument value.',
    );
  }

  private finishAttribute(nameIdx: number, singleLine: boolean): Attribute {
    this.i++; // =
    const saveNl = this.nl;
    this.nl = true;
    const expr = this.parseExpression();
    this.nl = saveNl;
    const attr: Attribute = {
      kind: 'Attribute',
      name: this.text(nameIdx),
      nameRange: this.tokRange(nameIdx),
      expr,
      range: this.span(this.pos(this.starts[nameIdx]!), expr.range.end),
    };
    if (!singleLine) {
      const t = this.types[this.i]!;
      if (t === TK_NEWLINE) this.i++;
      else if (t !== TK_EOF) {
        const k = this.i;
        if (t === TK_COMMA) {
          this.report(
            'Unexpected comma after argument',
            'Argument definitions must be separated by newlines, not commas. An argument definition must end with a newline.',
            this.starts[k]!,
            this.ends[k]!,
          );
        } else {
          this.report(
            'Missing newline after argument',
            'An argument definition must end with a newline.',
            this.starts[k]!,
            this.ends[k]!,
          );
        }
        this.recover(k);
      }
    }
    return attr;
  }

  private finishBlock(typeIdx: number): Block {
    const types = this.types;
    const labels: string[] = [];
    const labelRanges: Range[] = [];
    for (;;) {
      const t = types[this.i]!;
      if (t === TK_LBRACE) break;
      if (t === TK_OQUOTE) {
        const open = this.i;
        const tpl = this.parseTemplate();
        const lit = templateLiteralValue(tpl);
        if (lit === undefined) {
          this.fail(
            'Invalid string literal',
            'Template sequences are not allowed in this string. To include a literal "$" or "%", double it (as "$$" or "%%") to escape it.',
            this.starts[open]!,
            tpl.range.end.offset,
          );
        }
        labels.push(lit);
        labelRanges.push(tpl.range);
        continue;
      }
      if (t === TK_IDENT) {
        labels.push(this.text(this.i));
        labelRanges.push(this.tokRange(this.i));
        this.i++;
        continue;
      }
      const k = this.i;
      if (t === TK_ASSIGN) {
        this.failAt(
          k,
          'Invalid block definition',
          'The equals sign "=" indicates an argument definition, and must not be used when defining a block.',
        );
      }
      if (t === TK_NEWLINE) {
        this.failAt(
          k,
          'Invalid block definition',
          'A block definition must have block content delimited by "{" and "}", starting on the same line as the block header.',
        );
      }
      this.failAt(
        k,
        'Invalid block definition',
        'Either a quoted string block label or an opening brace ("{") is expected here.',
      );
    }
    const openIdx = this.i++;
    this.enter(openIdx);
    const attributes: Attribute[] = [];
    const blocks: Block[] = [];
    let closeEnd: number;
    const t = types[this.i]!;
    if (t === TK_NEWLINE || t === TK_EOF || t === TK_RBRACE) {
      const closeIdx = this.parseBodyItems(attributes, blocks, openIdx);
      if (closeIdx < 0) {
        this.depth--;
        return this.unclosedBlock(typeIdx, openIdx, labels, labelRanges, attributes, blocks);
      }
      this.i = closeIdx + 1;
      closeEnd = this.ends[closeIdx]!;
    } else {
      // One-line block: `name { arg = value }` holds at most one argument.
      const nameIdx = this.i;
      if (types[nameIdx] !== TK_IDENT) {
        this.failAt(
          nameIdx,
          'Argument or block definition required',
          'An argument or block definition is required here.',
        );
      }
      const after = types[nameIdx + 1]!;
      if (after !== TK_ASSIGN) {
        if (after === TK_OQUOTE || after === TK_LBRACE || after === TK_IDENT) {
          this.fail(
            'Argument definition required',
            `A single-line block definition can contain only a single argument. If you meant to define argument "${this.text(nameIdx)}", use an equals sign to assign it a value. To define a nested block, place it on a line of its own within its parent block.`,
            this.starts[nameIdx]!,
            this.ends[nameIdx + 1]!,
          );
        }
        this.failAt(
          nameIdx,
          'Argument or block definition required',
          'An argument or block definition is required here. To set an argument, use the equals sign "=" to introduce the argument value.',
        );
      }
      this.i = nameIdx + 1;
      attributes.push(this.finishAttribute(nameIdx, true));
      const c = types[this.i]!;
      if (c !== TK_RBRACE) {
        const k = this.i;
        if (c === TK_COMMA) {
          this.failAt(
            k,
            'Invalid single-argument block definition',
            'Single-line block syntax can include only one argument definition. To define multiple arguments, use the multi-line block syntax with one argument definition per line.',
          );
        }
        if (c === TK_NEWLINE) {
          this.failAt(
            k,
            'Invalid single-argument block definition',
            "An argument definition on the same line as its containing block creates a single-line block definition, which must also be closed on the same line. Place the block's closing brace immediately after the argument definition.",
          );
        }
        if (c === TK_EOF) {
          this.failAt(
            openIdx,
            'Unclosed configuration block',
            'There is no closing brace for this block before the end of the file. This may be caused by incorrect brace nesting elsewhere in this file.',
          );
        }
        this.failAt(
          k,
          'Invalid single-argument block definition',
          'A single-line block definition must end with a closing brace immediately after its single argument definition.',
        );
      }
      closeEnd = this.ends[this.i]!;
      this.i++;
    }
    this.depth--;
    const block: Block = {
      kind: 'Block',
      type: this.text(typeIdx),
      typeRange: this.tokRange(typeIdx),
      labels,
      labelRanges,
      body: {
        kind: 'Body',
        attributes,
        blocks,
        range: this.range(this.starts[openIdx]!, closeEnd),
      },
      range: this.range(this.starts[typeIdx]!, closeEnd),
    };
    const eol = types[this.i]!;
    if (eol === TK_NEWLINE) this.i++;
    else if (eol !== TK_EOF && eol !== TK_RBRACE) {
      const k = this.i;
      this.report(
        'Missing newline after block definition',
        'A block definition must end with a newline.',
        this.starts[k]!,
        this.ends[k]!,
      );
      this.recover(k);
    }
    return block;
  }

  /**
   * A block whose closing brace never came. Reports it at the opening brace, and (so that one
   * missing brace does not swallow the rest of the file) hands back to the parent every item that
   * starts at or left of the block's own column: in formatted code those belong to the parent.
   */
  private unclosedBlock(
    typeIdx: number,
    openIdx: number,
    labels: string[],
    labelRanges: Range[],
    attributes: Attribute[],
    blocks: Block[],
  ): Block {
    // An error already reported inside the block (an unterminated string or heredoc, a broken
    // expression whose recovery ran to the end) is the likely cause: do not pile on.
    const open = this.starts[openIdx]!;
    if (!this.diagnostics.some((d) => d.range.start.offset > open)) {
      this.report(
        'Unclosed configuration block',
        'There is no closing brace for this block before the end of the file. This may be caused by incorrect brace nesting elsewhere in this file.',
        open,
        this.ends[openIdx]!,
      );
    }
    const blockColumn = this.pos(this.starts[typeIdx]!).column;
    let cut = Infinity;
    for (const a of attributes) {
      if (a.range.start.column <= blockColumn && a.range.start.offset < cut) cut = a.range.start.offset;
    }
    for (const b of blocks) {
      if (b.range.start.column <= blockColumn && b.range.start.offset < cut) cut = b.range.start.offset;
    }
    const keptAttrs = attributes.filter((a) => a.range.start.offset < cut);
    const keptBlocks = blocks.filter((b) => b.range.start.offset < cut);
    this.hoisted = {
      attributes: attributes.filter((a) => a.range.start.offset >= cut),
      blocks: blocks.filter((b) => b.range.start.offset >= cut),
    };
    let end = this.ends[openIdx]!;
    for (const a of keptAttrs) end = Math.max(end, a.range.end.offset);
    for (const b of keptBlocks) end = Math.max(end, b.range.end.offset);
    return {
      kind: 'Block',
      type: this.text(typeIdx),
      typeRange: this.tokRange(typeIdx),
      labels,
      labelRanges,
      body: {
        kind: 'Body',
        attributes: keptAttrs,
        blocks: keptBlocks,
        range: this.range(this.starts[openIdx]!, end),
      },
      range: this.range(this.starts[typeIdx]!, end),
    };
  }

  /** Items handed from an unclosed block to its parent (see unclosedBlock). */
  private hoisted: { attributes: Attribute[]; blocks: Block[] } | null = null;

  private enter(k: number): void {
    if (++this.depth > MAX_NESTING_DEPTH) {
      this.failAt(
        k,
        'Nesting too deep',
        `Blocks and expressions may be nested at most ${MAX_NESTING_DEPTH} levels deep; this one goes deeper, so it was not read.`,
      );
    }
  }

  // ---- expressions ----

  private parseExpression(): Expr {
    const cond = this.parseBinary(1);
    if (this.peek() !== TK_QUESTION) return cond;
    const q = this.i;
    this.enter(q);
    this.i++;
    const then = this.parseExpression();
    if (this.peek() !== TK_COLON) {
      const k = this.i;
      this.failAt(
        k,
        'Missing false expression in conditional',
        'The conditional operator (...?...:...) requires a false expression, delimited by a colon.',
      );
    }
    this.i++;
    const otherwise = this.parseExpression();
    this.depth--;
    return {
      kind: 'Conditional',
      cond,
      then,
      else: otherwise,
      range: this.span(cond.range.start, otherwise.range.end),
    };
  }

  private parseBinary(minPrec: number): Expr {
    let left = this.parseUnary();
    for (;;) {
      const t = this.peek();
      const prec = t < 64 ? BINARY_PREC[t]! : -1;
      if (prec < minPrec) return left;
      const opIdx = this.i;
      this.enter(opIdx);
      this.i++;
      const right = this.parseBinary(prec + 1);
      this.depth--;
      left = {
        kind: 'Binary',
        op: BINARY_OP[t]!,
        left,
        right,
        range: this.span(left.range.start, right.range.end),
      };
    }
  }

  private parseUnary(): Expr {
    const t = this.peek();
    if (t === TK_MINUS || t === TK_BANG) {
      const k = this.i++;
      this.enter(k);
      const operand = this.parseUnary();
      this.depth--;
      return {
        kind: 'Unary',
        op: t === TK_MINUS ? '-' : '!',
        operand,
        range: this.span(this.pos(this.starts[k]!), operand.range.end),
      };
    }
    return this.parsePostfix(this.parsePrimary());
  }

  private parsePostfix(expr: Expr): Expr {
    const types = this.types;
    for (;;) {
      const t = this.peek();
      if (t === TK_DOT) {
        const dot = this.i;
        const n = types[dot + 1]!;
        if (n === TK_IDENT) {
          this.i = dot + 2;
          expr = {
            kind: 'GetAttr',
            object: expr,
            name: this.text(dot + 1),
            range: this.span(expr.range.start, this.pos(this.ends[dot + 1]!)),
          };
          continue;
        }
        if (n === TK_NUMBER) {
          this.i = dot + 2;
          expr = {
            kind: 'Index',
            object: expr,
            key: this.numberLiteral(dot + 1),
            range: this.span(expr.range.start, this.pos(this.ends[dot + 1]!)),
          };
          continue;
        }
        if (n === TK_STAR) {
          this.i = dot + 2;
          expr = this.finishSplat(expr, dot, 'attr');
          continue;
        }
        this.failAt(dot + 1, 'Invalid attribute name', 'An attribute name is required after a dot.');
      }
      if (t === TK_LBRACK) {
        const open = this.i;
        const saveNl = this.nl;
        this.nl = false;
        this.i++;
        if (this.peek() === TK_STAR) {
          this.i++;
          if (this.peek() !== TK_RBRACK) {
            this.failAt(
              this.i,
              'Missing close bracket on splat index',
              'The star for a full splat operator must be immediately followed by a closing bracket ("]").',
            );
          }
          this.i++;
          this.nl = saveNl;
          expr = this.finishSplat(expr, open, 'full');
          continue;
        }
        this.enter(open);
        const key = this.parseExpression();
        if (this.peek() !== TK_RBRACK) {
          this.failAt(
            this.i,
            'Missing close bracket on index',
            'The index operator must end with a closing bracket ("]").',
          );
        }
        const close = this.i++;
        this.depth--;
        this.nl = saveNl;
        expr = {
          kind: 'Index',
          object: expr,
          key,
          range: this.span(expr.range.start, this.pos(this.ends[close]!)),
        };
        continue;
      }
      return expr;
    }
  }

  /**
   * After `.*` or `[*]`: the traversal that follows applies to each element. An attribute-only
   * splat (`.*`) takes only attribute steps; a full splat also takes index steps.
   */
  private finishSplat(object: Expr, opIdx: number, style: 'full' | 'attr'): Expr {
    const types = this.types;
    const opEnd = this.ends[this.i - 1]!;
    let each: Expr = { kind: 'Variable', name: '@splat', range: this.range(this.starts[opIdx]!, opEnd) };
    let end = opEnd;
    for (;;) {
      const t = this.peek();
      if (t === TK_DOT) {
        const dot = this.i;
        const n = types[dot + 1]!;
        if (n === TK_IDENT) {
          this.i = dot + 2;
          end = this.ends[dot + 1]!;
          each = {
            kind: 'GetAttr',
            object: each,
            name: this.text(dot + 1),
            range: this.span(each.range.start, this.pos(end)),
          };
          continue;
        }
        if (n === TK_NUMBER) {
          this.i = dot + 2;
          end = this.ends[dot + 1]!;
          each = {
            kind: 'Index',
            object: each,
            key: this.numberLiteral(dot + 1),
            range: this.span(each.range.start, this.pos(end)),
          };
          continue;
        }
        if (n === TK_STAR) {
          // `a.*.b.*` : a nested splat applies to each element.
          this.i = dot + 2;
          each = this.finishSplat(each, dot, 'attr');
          end = each.range.end.offset;
          continue;
        }
        break;
      }
      if (t === TK_LBRACK && style === 'full') {
        const open = this.i;
        const saveNl = this.nl;
        this.nl = false;
        this.i++;
        if (this.peek() === TK_STAR) {
          this.i++;
          if (this.peek() !== TK_RBRACK) {
            this.failAt(
              this.i,
              'Missing close bracket on splat index',
              'The star for a full splat operator must be immediately followed by a closing bracket ("]").',
            );
          }
          this.i++;
          this.nl = saveNl;
          each = this.finishSplat(each, open, 'full');
          end = each.range.end.offset;
          continue;
        }
        this.enter(open);
        const key = this.parseExpression();
        if (this.peek() !== TK_RBRACK) {
          this.failAt(
            this.i,
            'Missing close bracket on index',
            'The index operator must end with a closing bracket ("]").',
          );
        }
        const close = this.i++;
        this.depth--;
        this.nl = saveNl;
        end = this.ends[close]!;
        each = { kind: 'Index', object: each, key, range: this.span(each.range.start, this.pos(end)) };
        continue;
      }
      break;
    }
    return { kind: 'Splat', object, each, style, range: this.span(object.range.start, this.pos(end)) };
  }

  private numberLiteral(k: number): Expr {
    const raw = this.text(k);
    return { kind: 'Literal', value: Number(raw), raw, range: this.tokRange(k) };
  }

  private parsePrimary(): Expr {
    const t = this.peek();
    const k = this.i;
    switch (t) {
      case TK_NUMBER:
        this.i++;
        return this.numberLiteral(k);
      case TK_IDENT: {
        this.i++;
        const s = this.starts[k]!;
        const e = this.ends[k]!;
        const len = e - s;
        if (len === 4 && this.src.startsWith('true', s)) {
          return { kind: 'Literal', value: true, range: this.tokRange(k) };
        }
        if (len === 5 && this.src.startsWith('false', s)) {
          return { kind: 'Literal', value: false, range: this.tokRange(k) };
        }
        if (len === 4 && this.src.startsWith('null', s)) {
          return { kind: 'Literal', value: null, range: this.tokRange(k) };
        }
        const n = this.types[this.i]!;
        if (n === TK_LPAREN) return this.finishCall(k, this.text(k));
        if (n === TK_DCOLON) return this.finishNamespacedCall(k);
        return { kind: 'Variable', name: this.src.slice(s, e), range: this.range(s, e) };
      }
      case TK_OQUOTE:
      case TK_OHEREDOC:
        return this.parseTemplate();
      case TK_LPAREN: {
        this.enter(k);
        const saveNl = this.nl;
        this.nl = false;
        this.i++;
        const inner = this.parseExpression();
        if (this.peek() !== TK_RPAREN) {
          this.failAt(
            this.i,
            'Unbalanced parentheses',
            'Expected a closing parenthesis to terminate the expression.',
          );
        }
        const close = this.i++;
        this.nl = saveNl;
        this.depth--;
        return { kind: 'Paren', expr: inner, range: this.range(this.starts[k]!, this.ends[close]!) };
      }
      case TK_LBRACK:
        return this.parseTuple();
      case TK_LBRACE:
        return this.parseObject();
      case TK_EOF:
        return this.failAt(
          k,
          'Invalid expression',
          'Expected the start of an expression, but found the end of the file.',
        );
      case TK_NEWLINE:
        return this.failAt(
          k,
          'Invalid expression',
          'Expected the start of an expression, but found the end of the line.',
        );
      case TK_INVALID:
        // The scanner already reported the character.
        throw ABORT;
      default:
        this.failAt(
          k,
          'Invalid expression',
          `Expected the start of an expression, but found ${tokenName(t)}.`,
        );
    }
  }

  private finishNamespacedCall(first: number): Expr {
    // provider::aws::arn_parse(...)
    let k = first;
    while (this.types[k + 1] === TK_DCOLON) {
      if (this.types[k + 2] !== TK_IDENT) {
        this.failAt(
          k + 2,
          'Missing function name',
          'A function name is required after "::" in a namespaced function call.',
        );
      }
      k += 2;
    }
    if (this.types[k + 1] !== TK_LPAREN) {
      this.failAt(
        k + 1,
        'Function calls not allowed',
        'A namespaced name ("a::b") can only be used to call a function: it must be followed by "(".',
      );
    }
    this.i = k + 1;
    return this.finishCall(first, this.src.slice(this.starts[first], this.ends[k]));
  }

  private finishCall(nameIdx: number, name: string): Expr {
    const open = this.i++;
    this.enter(open);
    const saveNl = this.nl;
    this.nl = false;
    const args: Expr[] = [];
    let expandFinal = false;
    for (;;) {
      let t = this.peek();
      if (t === TK_RPAREN) break;
      args.push(this.parseExpression());
      t = this.peek();
      if (t === TK_ELLIPSIS) {
        expandFinal = true;
        this.i++;
        if (this.peek() !== TK_RPAREN) {
          this.failAt(
            this.i,
            'Missing closing parenthesis',
            'An expanded function argument (with "...") must be immediately followed by closing parentheses.',
          );
        }
        break;
      }
      if (t === TK_COMMA) {
        this.i++;
        continue;
      }
      if (t === TK_RPAREN) break;
      if (t === TK_EOF) {
        this.failAt(
          open,
          'Unterminated function call',
          'There is no closing parenthesis for this function call before the end of the file. This may be caused by incorrect parenthesis nesting elsewhere in this file.',
        );
      }
      this.failAt(
        this.i,
        'Missing argument separator',
        'A comma is required to separate each function argument from the next.',
      );
    }
    const close = this.i++;
    this.nl = saveNl;
    this.depth--;
    return {
      kind: 'FunctionCall',
      name,
      args,
      expandFinal,
      range: this.range(this.starts[nameIdx]!, this.ends[close]!),
    };
  }

  private parseTuple(): Expr {
    const open = this.i++;
    this.enter(open);
    const saveNl = this.nl;
    this.nl = false;
    if (this.peek() === TK_IDENT && this.isKeyword(this.i, 'for')) {
      const e = this.finishFor(open, false);
      this.nl = saveNl;
      this.depth--;
      return e;
    }
    const items: Expr[] = [];
    for (;;) {
      let t = this.peek();
      if (t === TK_RBRACK) break;
      if (t === TK_EOF) this.unclosedBracket(open);
      items.push(this.parseExpression());
      t = this.peek();
      if (t === TK_COMMA) {
        this.i++;
        continue;
      }
      if (t === TK_RBRACK) break;
      if (t === TK_EOF) this.unclosedBracket(open);
      this.failAt(
        this.i,
        'Missing item separator',
        'Expected a comma to mark the beginning of the next item.',
      );
    }
    const close = this.i++;
    this.nl = saveNl;
    this.depth--;
    return { kind: 'Tuple', items, range: this.range(this.starts[open]!, this.ends[close]!) };
  }

  private unclosedBracket(open: number): never {
    this.failAt(
      open,
      'Unterminated tuple constructor expression',
      'There is no corresponding closing bracket before the end of the file. This may be caused by incorrect bracket nesting elsewhere in this file.',
    );
  }

  private parseObject(): Expr {
    const open = this.i++;
    this.enter(open);
    const saveNl = this.nl;
    this.nl = true;
    const types = this.types;
    while (types[this.i] === TK_NEWLINE) this.i++;
    if (this.isKeyword(this.i, 'for')) {
      this.nl = false;
      const e = this.finishFor(open, true);
      this.nl = saveNl;
      this.depth--;
      return e;
    }
    const items: ObjectItem[] = [];
    for (;;) {
      let t = types[this.i]!;
      if (t === TK_NEWLINE) {
        this.i++;
        continue;
      }
      if (t === TK_RBRACE) break;
      if (t === TK_EOF) {
        this.failAt(
          open,
          'Unterminated object constructor expression',
          'There is no corresponding closing brace before the end of the file. This may be caused by incorrect brace nesting elsewhere in this file.',
        );
      }
      const key = this.parseExpression();
      t = types[this.i]!;
      if (t !== TK_ASSIGN && t !== TK_COLON) {
        if (t === TK_NEWLINE || t === TK_COMMA || t === TK_RBRACE) {
          this.failAt(
            this.i,
            'Missing attribute value',
            'Expected an attribute value, introduced by an equals sign ("=").',
          );
        }
        this.failAt(
          this.i,
          'Missing key/value separator',
          'Expected an equals sign ("=") to mark the beginning of the attribute value.',
        );
      }
      this.i++;
      const value = this.parseExpression();
      items.push({
        key,
        value,
        range: this.span(key.range.start, value.range.end),
      });
      t = types[this.i]!;
      if (t === TK_COMMA || t === TK_NEWLINE) {
        this.i++;
        continue;
      }
      if (t === TK_RBRACE) break;
      if (t === TK_EOF) {
        this.failAt(
          open,
          'Unterminated object constructor expression',
          'There is no corresponding closing brace before the end of the file. This may be caused by incorrect brace nesting elsewhere in this file.',
        );
      }
      this.failAt(
        this.i,
        'Missing attribute separator',
        'Expected a newline or comma to mark the beginning of the next attribute.',
      );
    }
    const close = this.i++;
    this.nl = saveNl;
    this.depth--;
    return { kind: 'Object', items, range: this.range(this.starts[open]!, this.ends[close]!) };
  }

  /** `[for ...]` or `{for ...}`; the cursor is on the `for` keyword; newlines are not significant. */
  private finishFor(open: number, isObject: boolean): Expr {
    const closeType = isObject ? TK_RBRACE : TK_RBRACK;
    this.i++; // for
    if (this.peek() !== TK_IDENT) {
      this.failAt(this.i, "Invalid 'for' expression", "For expression requires variable name after 'for'.");
    }
    let keyVar: string | undefined;
    let valueVar = this.text(this.i++);
    if (this.peek() === TK_COMMA) {
      this.i++;
      if (this.peek() !== TK_IDENT) {
        this.failAt(
          this.i,
          "Invalid 'for' expression",
          'For expression requires value variable name after comma.',
        );
      }
      keyVar = valueVar;
      valueVar = this.text(this.i++);
    }
    if (!(this.peek() === TK_IDENT && this.isKeyword(this.i, 'in'))) {
      this.failAt(
        this.i,
        "Invalid 'for' expression",
        "For expression requires the 'in' keyword after its name declarations.",
      );
    }
    this.i++;
    const collection = this.parseExpression();
    if (this.peek() !== TK_COLON) {
      this.failAt(
        this.i,
        "Invalid 'for' expression",
        'For expression requires a colon after the collection expression.',
      );
    }
    this.i++;
    let keyExpr: Expr | undefined;
    if (isObject) {
      keyExpr = this.parseExpression();
      if (this.peek() !== TK_ARROW) {
        this.failAt(
          this.i,
          "Invalid 'for' expression",
          'For expression requires a "=>" after the key expression in an object "for" expression.',
        );
      }
      this.i++;
    }
    const valueExpr = this.parseExpression();
    let grouping = false;
    if (this.peek() === TK_ELLIPSIS) {
      if (!isObject) {
        this.failAt(
          this.i,
          "Invalid 'for' expression",
          'Grouping ellipsis (...) cannot be used in a tuple "for" expression.',
        );
      }
      grouping = true;
      this.i++;
    }
    let cond: Expr | undefined;
    if (this.peek() === TK_IDENT && this.isKeyword(this.i, 'if')) {
      this.i++;
      cond = this.parseExpression();
    }
    if (this.peek() !== closeType) {
      const t = this.types[this.i]!;
      if (t === TK_EOF) {
        this.failAt(
          open,
          "Invalid 'for' expression",
          `There is no closing ${isObject ? 'brace' : 'bracket'} for this "for" expression before the end of the file.`,
        );
      }
      this.failAt(
        this.i,
        "Invalid 'for' expression",
        `Extra characters after the end of the "for" expression: expected ${isObject ? '"}"' : '"]"'}, "if" or "...".`,
      );
    }
    const close = this.i++;
    const e: Expr = {
      kind: 'For',
      valueVar,
      collection,
      valueExpr,
      grouping,
      range: this.range(this.starts[open]!, this.ends[close]!),
    };
    if (keyVar !== undefined) e.keyVar = keyVar;
    if (keyExpr !== undefined) e.keyExpr = keyExpr;
    if (cond !== undefined) e.cond = cond;
    return e;
  }

  // ---- templates ----

  /** A quoted string or heredoc; the cursor is on its opening token. */
  private parseTemplate(): TemplateExpr {
    const open = this.i++;
    const closeType = this.types[open] === TK_OHEREDOC ? TK_CHEREDOC : TK_CQUOTE;
    const heredoc = closeType === TK_CHEREDOC && !(this.bare && open === 0);
    const saveNl = this.nl;
    this.enter(open);
    const state: TemplateState = { stripNext: false, flush: 0, flushTokens: null };
    if (heredoc && this.src.charCodeAt(this.starts[open]! + 2) === 45) this.computeFlush(open, state);
    const parts: TemplatePart[] = [];
    const end = this.parseTemplateParts(parts, state, closeType, null);
    if (end !== 'close') {
      this.failAt(
        this.i,
        'Unexpected template directive',
        `The "${end}" directive has no matching opening directive.`,
      );
    }
    const close = this.i++;
    this.nl = saveNl;
    this.depth--;
    if (parts.length === 0) {
      const at = heredoc ? this.starts[close]! : this.ends[open]!;
      parts.push({ kind: 'TemplateLiteral', value: '', range: this.range(at, at) });
    }
    const tpl: TemplateExpr = {
      kind: 'Template',
      parts,
      range: this.range(this.starts[open]!, this.ends[close]!),
    };
    if (heredoc) tpl.heredoc = true;
    return tpl;
  }

  /**
   * `<<-` heredocs: the smallest indentation over all lines (blank lines and lines starting with
   * an interpolation aside, as HCL does) is removed from each line.
   */
  private computeFlush(open: number, state: TemplateState): void {
    const types = this.types;
    let min = Infinity;
    let lineStart = true;
    let depth = 0;
    const adjust = new Set<number>();
    for (let k = open + 1; ; k++) {
      const t = types[k]!;
      if (t === TK_EOF) break;
      if (depth === 0 && t === TK_CHEREDOC) break;
      if (t === TK_INTERP || t === TK_INTERP_STRIP || t === TK_CONTROL || t === TK_CONTROL_STRIP) {
        if (depth === 0 && lineStart) {
          min = 0;
          lineStart = false;
        }
        depth++;
        continue;
      }
      if (t === TK_SEQ_END || t === TK_SEQ_END_STRIP) {
        depth--;
        continue;
      }
      if (depth !== 0 || t !== TK_HEREDOC_LIT) continue;
      const s = this.starts[k]!;
      const e = this.ends[k]!;
      const endsLine = this.src.charCodeAt(e - 1) === 10;
      if (lineStart) {
        let p = s;
        while (p < e) {
          const c = this.src.charCodeAt(p);
          if (c !== 32 && c !== 9) break;
          p++;
        }
        const rest = this.src.charCodeAt(p);
        const blank = endsLine && (p === e - 1 || (rest === 13 && p === e - 2));
        if (!blank) {
          if (p - s < min) min = p - s;
          adjust.add(k);
        }
      }
      lineStart = endsLine;
    }
    state.flush = min === Infinity ? 0 : min;
    state.flushTokens = adjust;
  }

  /**
   * Reads template parts until the closing token (returns 'close', cursor on it) or until one of
   * the directive keywords in `until` (returns that keyword, cursor after the directive).
   */
  private parseTemplateParts(
    parts: TemplatePart[],
    state: TemplateState,
    closeType: number,
    until: readonly string[] | null,
  ): string {
    const types = this.types;
    for (;;) {
      const k = this.i;
      const t = types[k]!;
      if (t === closeType) {
        if (until !== null) {
          this.failAt(
            k,
            'Unterminated template directive',
            `Expected a %{ ${until[until.length - 1]!} } directive before the end of the template.`,
          );
        }
        return 'close';
      }
      if (t === TK_QUOTED_LIT || t === TK_HEREDOC_LIT) {
        this.i++;
        let value =
          t === TK_QUOTED_LIT
            ? this.decodeQuoted(k)
            : unescapeHeredoc(this.src, this.starts[k]!, this.ends[k]!);
        let s = this.starts[k]!;
        if (state.flushTokens !== null && state.flushTokens.has(k)) {
          value = value.slice(state.flush);
          s += state.flush;
        }
        if (state.stripNext) {
          value = value.replace(LEADING_SPACE, '');
          state.stripNext = false;
        }
        const last = parts[parts.length - 1];
        if (
          last !== undefined &&
          last.kind === 'TemplateLiteral' &&
          last.range.end.offset === this.starts[k]!
        ) {
          last.value += value;
          last.range = this.span(last.range.start, this.pos(this.ends[k]!));
        } else {
          parts.push({ kind: 'TemplateLiteral', value, range: this.range(s, this.ends[k]!) });
        }
        continue;
      }
      if (t === TK_INTERP || t === TK_INTERP_STRIP) {
        const stripLeft = t === TK_INTERP_STRIP;
        if (stripLeft) stripTrailing(parts);
        this.i++;
        this.nl = false;
        const expr = this.parseExpression();
        const close = this.expectSeqEnd(k);
        const stripRight = types[close] === TK_SEQ_END_STRIP;
        this.nl = true;
        state.stripNext = stripRight;
        parts.push({
          kind: 'TemplateInterp',
          expr,
          stripLeft,
          stripRight,
          range: this.range(this.starts[k]!, this.ends[close]!),
        });
        continue;
      }
      if (t === TK_CONTROL || t === TK_CONTROL_STRIP) {
        if (t === TK_CONTROL_STRIP) stripTrailing(parts);
        this.i++;
        this.nl = false;
        const kw = this.i;
        if (this.peek() !== TK_IDENT) {
          this.failAt(
            this.i,
            'Invalid template directive',
            'A template directive keyword ("if", "for", etc) is expected at the beginning of a %{ sequence.',
          );
        }
        const word = this.text(this.i);
        if (word === 'if') {
          this.i++;
          const cond = this.parseExpression();
          this.endDirective(k, state);
          this.enter(kw);
          const then: TemplatePart[] = [];
          let stop = this.parseTemplateParts(then, state, closeType, ['else', 'endif']);
          let otherwise: TemplatePart[] | undefined;
          if (stop === 'else') {
            otherwise = [];
            stop = this.parseTemplateParts(otherwise, state, closeType, ['endif']);
          }
          this.depth--;
          const part: TemplatePart = {
            kind: 'TemplateIf',
            cond,
            then,
            range: this.range(this.starts[k]!, this.ends[this.i - 1]!),
          };
          if (otherwise !== undefined) part.else = otherwise;
          parts.push(part);
          continue;
        }
        if (word === 'for') {
          this.i++;
          if (this.peek() !== TK_IDENT) {
            this.failAt(
              this.i,
              'Invalid template directive',
              'A "for" directive requires a variable name after "for".',
            );
          }
          let keyVar: string | undefined;
          let valueVar = this.text(this.i++);
          if (this.peek() === TK_COMMA) {
            this.i++;
            if (this.peek() !== TK_IDENT) {
              this.failAt(
                this.i,
                'Invalid template directive',
                'A "for" directive requires a value variable name after the comma.',
              );
            }
            keyVar = valueVar;
            valueVar = this.text(this.i++);
          }
          if (!this.isKeyword(this.i, 'in')) {
            this.failAt(
              this.i,
              'Invalid template directive',
              'A "for" directive requires the "in" keyword after its variable names.',
            );
          }
          this.i++;
          const collection = this.parseExpression();
          this.endDirective(k, state);
          this.enter(kw);
          const body: TemplatePart[] = [];
          this.parseTemplateParts(body, state, closeType, ['endfor']);
          this.depth--;
          const part: TemplatePart = {
            kind: 'TemplateFor',
            valueVar,
            collection,
            body,
            range: this.range(this.starts[k]!, this.ends[this.i - 1]!),
          };
          if (keyVar !== undefined) part.keyVar = keyVar;
          parts.push(part);
          continue;
        }
        if (word === 'else' || word === 'endif' || word === 'endfor') {
          if (until === null || !until.includes(word)) {
            this.failAt(
              this.i,
              'Unexpected template directive',
              `The "${word}" directive has no matching ${word === 'endfor' ? '"for"' : '"if"'} directive.`,
            );
          }
          this.i++;
          this.endDirective(k, state);
          return word;
        }
        this.failAt(
          this.i,
          'Invalid template directive',
          `"${word}" is not a template directive keyword; use "if", "else", "endif", "for" or "endfor".`,
        );
      }
      if (t === TK_EOF) {
        // The scanner always closes templates; reaching EOF here means a broken stream.
        this.failAt(k, 'Unterminated template string', 'No closing marker was found for the string.');
      }
      // Tokens left over in the template (e.g. after a broken interpolation): skip them.
      this.i++;
    }
  }

  private endDirective(open: number, state: TemplateState): void {
    const close = this.expectSeqEnd(open);
    this.nl = true;
    state.stripNext = this.types[close] === TK_SEQ_END_STRIP;
  }

  private expectSeqEnd(open: number): number {
    const t = this.peek();
    if (t === TK_SEQ_END || t === TK_SEQ_END_STRIP) return this.i++;
    const k = this.i;
    if (t === TK_CQUOTE || t === TK_CHEREDOC || t === TK_EOF) {
      this.failAt(
        open,
        'Unterminated template sequence',
        'There is no closing brace ("}") for this template sequence before the end of the string.',
      );
    }
    this.failAt(
      k,
      'Extra characters after interpolation expression',
      'Expected a closing brace to end the interpolation expression, but found extra characters.',
    );
  }

  /** Decodes the escapes of a quoted-string literal token, reporting bad ones. */
  private decodeQuoted(k: number): string {
    const src = this.src;
    const s = this.starts[k]!;
    const e = this.ends[k]!;
    if (!needsDecoding(src, s, e)) return src.slice(s, e);
    let out = '';
    let from = s;
    let p = s;
    while (p < e) {
      const c = src.charCodeAt(p);
      if (c === 92) {
        out += src.slice(from, p);
        const n = src.charCodeAt(p + 1);
        let adv = 2;
        switch (n) {
          case 110:
            out += '\n';
            break;
          case 114:
            out += '\r';
            break;
          case 116:
            out += '\t';
            break;
          case 34:
            out += '"';
            break;
          case 92:
            out += '\\';
            break;
          case 117:
          case 85: {
            const digits = n === 117 ? 4 : 8;
            const hex = src.slice(p + 2, p + 2 + digits);
            if (hex.length === digits && /^[0-9a-fA-F]+$/.test(hex)) {
              const cp = parseInt(hex, 16);
              if (cp <= 0x10ffff && !(cp >= 0xd800 && cp <= 0xdfff)) {
                out += String.fromCodePoint(cp);
                adv = 2 + digits;
                break;
              }
            }
            this.report(
              'Invalid escape sequence',
              `The \\${String.fromCharCode(n)} escape must be followed by ${digits} hexadecimal digits naming a Unicode character.`,
              p,
              Math.min(e, p + 2 + digits),
            );
            adv = Math.min(e - p, 2 + digits);
            break;
          }
          default: {
            const shown = Number.isNaN(n) ? '' : String.fromCharCode(n);
            this.report(
              'Invalid escape sequence',
              `The symbol "${shown}" is not a valid escape sequence selector. Valid escapes are \\n, \\r, \\t, \\", \\\\, \\uNNNN and \\UNNNNNNNN.`,
              p,
              Math.min(e, p + 2),
            );
            adv = Math.min(e - p, 2);
          }
        }
        p += adv;
        from = p;
        continue;
      }
      if ((c === 36 || c === 37) && src.charCodeAt(p + 1) === c && src.charCodeAt(p + 2) === 123) {
        out += src.slice(from, p + 1) + '{';
        p += 3;
        from = p;
        continue;
      }
      p++;
    }
    return out + src.slice(from, e);
  }
}

function needsDecoding(src: string, s: number, e: number): boolean {
  for (let p = s; p < e; p++) {
    const c = src.charCodeAt(p);
    if (c === 92) return true;
    if ((c === 36 || c === 37) && src.charCodeAt(p + 1) === c) return true;
  }
  return false;
}

const LEADING_SPACE = /^\s+/;
const TRAILING_SPACE = /\s+$/;

function stripTrailing(parts: TemplatePart[]): void {
  const last = parts[parts.length - 1];
  if (last !== undefined && last.kind === 'TemplateLiteral')
    last.value = last.value.replace(TRAILING_SPACE, '');
}

function unescapeHeredoc(src: string, s: number, e: number): string {
  const text = src.slice(s, e);
  if (!text.includes('$${') && !text.includes('%%{')) return text;
  return text.replace(/([$%])\1\{/g, '$1{');
}

/** The value of a template that is one literal, or undefined when it has interpolations. */
function templateLiteralValue(t: TemplateExpr): string | undefined {
  let out = '';
  for (const p of t.parts) {
    if (p.kind !== 'TemplateLiteral') return undefined;
    out += p.value;
  }
  return out;
}
