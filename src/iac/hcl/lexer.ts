/**
 * The HCL native-syntax scanner. It turns source text into a flat token stream held in typed
 * arrays (type, start offset, end offset), so the parser never allocates per token. Templates are
 * scanned here too: quoted strings and heredocs become an opening token, literal segments,
 * interpolation / directive openers (`${`, `%{`) and an always-present closing token, so the
 * parser sees balanced strings even when the source is not.
 *
 * Hot loops work on char codes only; the scanner slices strings only for comment text.
 */

export const TK_EOF = 0;
export const TK_NEWLINE = 1;
export const TK_IDENT = 2;
export const TK_NUMBER = 3;
/** `"` opening a quoted template. */
export const TK_OQUOTE = 4;
/** `"` closing a quoted template (zero-length when the string is unterminated). */
export const TK_CQUOTE = 5;
/** `<<EOF\n` or `<<-EOF\n`. */
export const TK_OHEREDOC = 6;
/** The closing marker line of a heredoc (zero-length when unterminated). */
export const TK_CHEREDOC = 7;
/** A literal segment of a quoted template (raw source, escapes not yet decoded). */
export const TK_QUOTED_LIT = 8;
/** One line (or part of a line) of heredoc literal text, raw. */
export const TK_HEREDOC_LIT = 9;
/** `${` */
export const TK_INTERP = 10;
/** `${~` */
export const TK_INTERP_STRIP = 11;
/** `%{` */
export const TK_CONTROL = 12;
/** `%{~` */
export const TK_CONTROL_STRIP = 13;
/** `}` closing an interpolation or directive. */
export const TK_SEQ_END = 14;
/** `~}` */
export const TK_SEQ_END_STRIP = 15;
export const TK_LBRACE = 16;
export const TK_RBRACE = 17;
export const TK_LBRACK = 18;
export const TK_RBRACK = 19;
export const TK_LPAREN = 20;
export const TK_RPAREN = 21;
export const TK_COMMA = 22;
export const TK_DOT = 23;
export const TK_ELLIPSIS = 24;
export const TK_COLON = 25;
export const TK_DCOLON = 26;
export const TK_QUESTION = 27;
export const TK_ASSIGN = 28;
export const TK_EQ = 29;
export const TK_NEQ = 30;
export const TK_LT = 31;
export const TK_GT = 32;
export const TK_LTE = 33;
export const TK_GTE = 34;
export const TK_PLUS = 35;
export const TK_MINUS = 36;
export const TK_STAR = 37;
export const TK_SLASH = 38;
export const TK_PERCENT = 39;
export const TK_AND = 40;
export const TK_OR = 41;
export const TK_BANG = 42;
export const TK_ARROW = 43;
/** A run of characters that the language does not use. */
export const TK_INVALID = 44;

const TOKEN_NAMES: readonly string[] = [
  'end of file',
  'newline',
  'identifier',
  'number',
  'opening quote',
  'closing quote',
  'heredoc start',
  'heredoc end',
  'string literal',
  'heredoc literal',
  '"${"',
  '"${~"',
  '"%{"',
  '"%{~"',
  '"}"',
  '"~}"',
  '"{"',
  '"}"',
  '"["',
  '"]"',
  '"("',
  '")"',
  '","',
  '"."',
  '"..."',
  '":"',
  '"::"',
  '"?"',
  '"="',
  '"=="',
  '"!="',
  '"<"',
  '">"',
  '"<="',
  '">="',
  '"+"',
  '"-"',
  '"*"',
  '"/"',
  '"%"',
  '"&&"',
  '"||"',
  '"!"',
  '"=>"',
  'invalid character',
];

export function tokenName(type: number): string {
  return TOKEN_NAMES[type] ?? 'token';
}

export type CommentStyle = '#' | '//' | '/*';

/** A problem the scanner found, by offsets; the parser turns it into a Diagnostic. */
export interface LexDiagnostic {
  summary: string;
  detail: string;
  start: number;
  end: number;
}

export interface TokenStream {
  count: number;
  types: Uint8Array;
  starts: Int32Array;
  ends: Int32Array;
  /** Offsets where each line starts; `lineStarts[0] === 0`. */
  lineStarts: Int32Array;
  lineCount: number;
  /** Comments as triples: style code (0 `#`, 1 `//`, 2 `/*`), start, end. */
  comments: number[];
  diagnostics: LexDiagnostic[];
}

// Mode stack entries.
const M_BRACE = 0;
const M_INTERP = 1;
const M_QUOTED = 2;
const M_HEREDOC = 3;

/** Stops reporting scanner problems past this many; the parser adds its own cap. */
const MAX_LEX_DIAGNOSTICS = 100;

const ID_START = /\p{ID_Start}/u;
const ID_CONTINUE = /\p{ID_Continue}/u;

function isIdentStartAscii(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95;
}

function isIdentPartAscii(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 95 || c === 45;
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

/**
 * Scans the whole source. Never throws; problems are returned as diagnostics.
 *
 * With `bareTemplate`, the whole input is the body of a template (as a Terraform JSON string
 * value is): it is returned between a zero-length TK_OHEREDOC and TK_CHEREDOC, with literal text
 * taken as is (only `$${` and `%%{` are escapes).
 */
export function scan(src: string, bareTemplate = false): TokenStream {
  const len = src.length;
  let cap = Math.max(64, len >> 2);
  let types = new Uint8Array(cap);
  let starts = new Int32Array(cap);
  let ends = new Int32Array(cap);
  let count = 0;

  let lineCap = Math.max(16, len >> 5);
  let lineStarts = new Int32Array(lineCap);
  let lineCount = 1;
  lineStarts[0] = 0;

  const comments: number[] = [];
  const diagnostics: LexDiagnostic[] = [];

  // Mode stack; for heredocs, the marker's start/end and the flush flag live in parallel arrays.
  const modes: number[] = [];
  const hdMarkStart: number[] = [];
  const hdMarkEnd: number[] = [];

  function push(type: number, start: number, end: number): void {
    if (count === cap) {
      cap *= 2;
      const t = new Uint8Array(cap);
      t.set(types);
      types = t;
      const s = new Int32Array(cap);
      s.set(starts);
      starts = s;
      const e = new Int32Array(cap);
      e.set(ends);
      ends = e;
    }
    types[count] = type;
    starts[count] = start;
    ends[count] = end;
    count++;
  }

  function newline(at: number): void {
    if (lineCount === lineCap) {
      lineCap *= 2;
      const l = new Int32Array(lineCap);
      l.set(lineStarts);
      lineStarts = l;
    }
    lineStarts[lineCount++] = at;
  }

  function diag(summary: string, detail: string, start: number, end: number): void {
    if (diagnostics.length < MAX_LEX_DIAGNOSTICS) diagnostics.push({ summary, detail, start, end });
  }

  let pos = 0;
  if (len > 0 && src.charCodeAt(0) === 0xfeff && !bareTemplate) pos = 1;
  if (bareTemplate) {
    push(TK_OHEREDOC, 0, 0);
    modes.push(M_HEREDOC);
    hdMarkStart.push(-1);
    hdMarkEnd.push(-1);
  }

  // Counts newlines inside [from, to) (block comments), keeping lineStarts complete.
  function countLines(from: number, to: number): void {
    for (let k = from; k < to; k++) if (src.charCodeAt(k) === 10) newline(k + 1);
  }

  function scanTemplateQuoted(): void {
    const litStart = pos;
    while (pos < len) {
      const c = src.charCodeAt(pos);
      if (c === 34) {
        if (pos > litStart) push(TK_QUOTED_LIT, litStart, pos);
        push(TK_CQUOTE, pos, pos + 1);
        pos++;
        modes.pop();
        return;
      }
      if (c === 92) {
        // Escape: the next character never ends the literal (the parser decodes it).
        const n = src.charCodeAt(pos + 1);
        if (n === 10 || n === 13 || pos + 1 >= len) {
          pos++;
          continue;
        }
        pos += 2;
        continue;
      }
      if (c === 10 || (c === 13 && src.charCodeAt(pos + 1) === 10)) {
        if (pos > litStart) push(TK_QUOTED_LIT, litStart, pos);
        unterminatedQuote(pos);
        return;
      }
      if (c === 36 || c === 37) {
        const n = src.charCodeAt(pos + 1);
        if (n === 123) {
          if (pos > litStart) push(TK_QUOTED_LIT, litStart, pos);
          openSequence(c);
          return;
        }
        if (n === c && src.charCodeAt(pos + 2) === 123) {
          pos += 3;
          continue;
        }
      }
      pos++;
    }
    if (pos > litStart) push(TK_QUOTED_LIT, litStart, pos);
    unterminatedQuote(pos);
  }

  function unterminatedQuote(at: number): void {
    // Find the opening quote for the diagnostic range: the nearest preceding TK_OQUOTE at this level.
    let open = at;
    let depth = 0;
    for (let k = count - 1; k >= 0; k--) {
      const t = types[k]!;
      if (t === TK_CQUOTE || t === TK_CHEREDOC) depth++;
      else if (t === TK_OQUOTE || t === TK_OHEREDOC) {
        if (depth === 0) {
          open = starts[k]!;
          break;
        }
        depth--;
      }
    }
    diag(
      'Unterminated template string',
      'No closing marker was found for the string. A quoted string must end with a closing quote (") on the same line; use the \\n escape or a heredoc (<<EOT) for multi-line text.',
      open,
      at,
    );
    push(TK_CQUOTE, at, at);
    modes.pop();
  }

  function openSequence(c: number): void {
    const strip = src.charCodeAt(pos + 2) === 126;
    const type = c === 36 ? (strip ? TK_INTERP_STRIP : TK_INTERP) : strip ? TK_CONTROL_STRIP : TK_CONTROL;
    const end = pos + (strip ? 3 : 2);
    push(type, pos, end);
    pos = end;
    modes.push(M_INTERP);
  }

  function heredocClosesHere(): number {
    // At a line start: is this line the closing marker? Returns the end of the marker or -1.
    let p = pos;
    while (p < len) {
      const c = src.charCodeAt(p);
      if (c !== 32 && c !== 9) break;
      p++;
    }
    const ms = hdMarkStart[hdMarkStart.length - 1]!;
    const me = hdMarkEnd[hdMarkEnd.length - 1]!;
    if (ms < 0) return -1;
    const mlen = me - ms;
    if (p + mlen > len) return -1;
    for (let k = 0; k < mlen; k++) {
      if (src.charCodeAt(p + k) !== src.charCodeAt(ms + k)) return -1;
    }
    const after = p + mlen;
    if (after === len) return after;
    const a = src.charCodeAt(after);
    if (a === 10 || (a === 13 && src.charCodeAt(after + 1) === 10)) return after;
    return -1;
  }

  function scanTemplateHeredoc(): void {
    while (pos < len) {
      const prev = src.charCodeAt(pos - 1);
      if (prev === 10) {
        const closeEnd = heredocClosesHere();
        if (closeEnd >= 0) {
          push(TK_CHEREDOC, pos, closeEnd);
          pos = closeEnd;
          modes.pop();
          hdMarkStart.pop();
          hdMarkEnd.pop();
          return;
        }
      }
      const litStart = pos;
      let sequence = false;
      while (pos < len) {
        const c = src.charCodeAt(pos);
        if (c === 10) {
          pos++;
          newline(pos);
          break;
        }
        if (c === 36 || c === 37) {
          const n = src.charCodeAt(pos + 1);
          if (n === 123) {
            sequence = true;
            break;
          }
          if (n === c && src.charCodeAt(pos + 2) === 123) {
            pos += 3;
            continue;
          }
        }
        pos++;
      }
      if (pos > litStart) push(TK_HEREDOC_LIT, litStart, pos);
      if (sequence) {
        openSequence(src.charCodeAt(pos));
        return;
      }
    }
    // End of input without the closing marker.
    let open = pos;
    for (let k = count - 1; k >= 0; k--) {
      if (types[k] === TK_OHEREDOC) {
        open = starts[k]!;
        break;
      }
    }
    const ms = hdMarkStart[hdMarkStart.length - 1]!;
    const me = hdMarkEnd[hdMarkEnd.length - 1]!;
    if (ms >= 0) {
      diag(
        'Unterminated template string',
        `No closing marker was found for the heredoc: a line containing only "${src.slice(ms, me)}" must end it.`,
        open,
        pos,
      );
    }
    push(TK_CHEREDOC, pos, pos);
    modes.pop();
    hdMarkStart.pop();
    hdMarkEnd.pop();
  }

  function tryHeredoc(): boolean {
    // pos at `<<`
    let p = pos + 2;
    if (src.charCodeAt(p) === 45) p++;
    const ms = p;
    const c0 = src.charCodeAt(p);
    if (!isIdentStartAscii(c0)) return false;
    p++;
    while (p < len && isIdentPartAscii(src.charCodeAt(p))) p++;
    const me = p;
    let c = src.charCodeAt(p);
    if (c === 13) c = src.charCodeAt(++p);
    if (c !== 10) return false;
    p++;
    newline(p);
    push(TK_OHEREDOC, pos, p);
    pos = p;
    modes.push(M_HEREDOC);
    hdMarkStart.push(ms);
    hdMarkEnd.push(me);
    return true;
  }

  while (pos < len) {
    const mode = modes.length === 0 ? M_BRACE : modes[modes.length - 1]!;
    if (mode === M_QUOTED) {
      scanTemplateQuoted();
      continue;
    }
    if (mode === M_HEREDOC) {
      scanTemplateHeredoc();
      continue;
    }
    const c = src.charCodeAt(pos);
    const start = pos;
    switch (c) {
      case 32:
      case 9:
      case 13:
        pos++;
        continue;
      case 10:
        pos++;
        newline(pos);
        push(TK_NEWLINE, start, pos);
        continue;
      case 35: // #
        pos++;
        while (pos < len && src.charCodeAt(pos) !== 10) pos++;
        comments.push(0, start, pos);
        continue;
      case 47: {
        // /
        const n = src.charCodeAt(pos + 1);
        if (n === 47) {
          pos += 2;
          while (pos < len && src.charCodeAt(pos) !== 10) pos++;
          comments.push(1, start, pos);
          continue;
        }
        if (n === 42) {
          const close = src.indexOf('*/', pos + 2);
          const end = close < 0 ? len : close + 2;
          countLines(pos + 2, end);
          if (close < 0) {
            diag(
              'Unterminated comment',
              'There is no closing marker ("*/") for this comment before the end of the file.',
              start,
              len,
            );
          }
          comments.push(2, start, end);
          pos = end;
          continue;
        }
        pos++;
        push(TK_SLASH, start, pos);
        continue;
      }
      case 34: // "
        pos++;
        push(TK_OQUOTE, start, pos);
        modes.push(M_QUOTED);
        continue;
      case 123: // {
        pos++;
        push(TK_LBRACE, start, pos);
        modes.push(M_BRACE);
        continue;
      case 125: // }
        pos++;
        if (modes.length > 0 && modes[modes.length - 1] === M_INTERP) {
          push(TK_SEQ_END, start, pos);
          modes.pop();
        } else {
          push(TK_RBRACE, start, pos);
          if (modes.length > 0) modes.pop();
        }
        continue;
      case 126: // ~
        if (src.charCodeAt(pos + 1) === 125 && modes.length > 0 && modes[modes.length - 1] === M_INTERP) {
          pos += 2;
          push(TK_SEQ_END_STRIP, start, pos);
          modes.pop();
          continue;
        }
        break;
      case 91:
        pos++;
        push(TK_LBRACK, start, pos);
        continue;
      case 93:
        pos++;
        push(TK_RBRACK, start, pos);
        continue;
      case 40:
        pos++;
        push(TK_LPAREN, start, pos);
        continue;
      case 41:
        pos++;
        push(TK_RPAREN, start, pos);
        continue;
      case 44:
        pos++;
        push(TK_COMMA, start, pos);
        continue;
      case 46: // .
        if (src.charCodeAt(pos + 1) === 46 && src.charCodeAt(pos + 2) === 46) {
          pos += 3;
          push(TK_ELLIPSIS, start, pos);
        } else {
          pos++;
          push(TK_DOT, start, pos);
        }
        continue;
      case 58: // :
        if (src.charCodeAt(pos + 1) === 58) {
          pos += 2;
          push(TK_DCOLON, start, pos);
        } else {
          pos++;
          push(TK_COLON, start, pos);
        }
        continue;
      case 63:
        pos++;
        push(TK_QUESTION, start, pos);
        continue;
      case 61: {
        // =
        const n = src.charCodeAt(pos + 1);
        if (n === 61) {
          pos += 2;
          push(TK_EQ, start, pos);
        } else if (n === 62) {
          pos += 2;
          push(TK_ARROW, start, pos);
        } else {
          pos++;
          push(TK_ASSIGN, start, pos);
        }
        continue;
      }
      case 33: // !
        if (src.charCodeAt(pos + 1) === 61) {
          pos += 2;
          push(TK_NEQ, start, pos);
        } else {
          pos++;
          push(TK_BANG, start, pos);
        }
        continue;
      case 60: // <
        if (src.charCodeAt(pos + 1) === 60 && tryHeredoc()) continue;
        if (src.charCodeAt(pos + 1) === 61) {
          pos += 2;
          push(TK_LTE, start, pos);
        } else {
          pos++;
          push(TK_LT, start, pos);
        }
        continue;
      case 62:
        if (src.charCodeAt(pos + 1) === 61) {
          pos += 2;
          push(TK_GTE, start, pos);
        } else {
          pos++;
          push(TK_GT, start, pos);
        }
        continue;
      case 43:
        pos++;
        push(TK_PLUS, start, pos);
        continue;
      case 45:
        pos++;
        push(TK_MINUS, start, pos);
        continue;
      case 42:
        pos++;
        push(TK_STAR, start, pos);
        continue;
      case 37:
        pos++;
        push(TK_PERCENT, start, pos);
        continue;
      case 38:
        if (src.charCodeAt(pos + 1) === 38) {
          pos += 2;
          push(TK_AND, start, pos);
          continue;
        }
        break;
      case 124:
        if (src.charCodeAt(pos + 1) === 124) {
          pos += 2;
          push(TK_OR, start, pos);
          continue;
        }
        break;
      default:
        if (isIdentStartAscii(c)) {
          pos++;
          while (pos < len) {
            const d = src.charCodeAt(pos);
            if (isIdentPartAscii(d)) pos++;
            else if (d >= 128 && isUnicodeIdentPart(src, pos)) pos += d >= 0xd800 && d <= 0xdbff ? 2 : 1;
            else break;
          }
          push(TK_IDENT, start, pos);
          continue;
        }
        if (isDigit(c)) {
          pos++;
          while (pos < len && isDigit(src.charCodeAt(pos))) pos++;
          const afterDot = count > 0 && types[count - 1] === TK_DOT;
          if (!afterDot && src.charCodeAt(pos) === 46 && isDigit(src.charCodeAt(pos + 1))) {
            pos += 2;
            while (pos < len && isDigit(src.charCodeAt(pos))) pos++;
          }
          if (!afterDot) {
            const e = src.charCodeAt(pos);
            if (e === 101 || e === 69) {
              let p = pos + 1;
              const s = src.charCodeAt(p);
              if (s === 43 || s === 45) p++;
              if (isDigit(src.charCodeAt(p))) {
                pos = p + 1;
                while (pos < len && isDigit(src.charCodeAt(pos))) pos++;
              }
            }
          }
          push(TK_NUMBER, start, pos);
          continue;
        }
        if (c >= 128 && isUnicodeIdentStart(src, pos)) {
          pos += c >= 0xd800 && c <= 0xdbff ? 2 : 1;
          while (pos < len) {
            const d = src.charCodeAt(pos);
            if (isIdentPartAscii(d)) pos++;
            else if (d >= 128 && isUnicodeIdentPart(src, pos)) pos += d >= 0xd800 && d <= 0xdbff ? 2 : 1;
            else break;
          }
          push(TK_IDENT, start, pos);
          continue;
        }
        break;
    }
    // A character the language does not use: gather the run into one token and one diagnostic.
    pos += charWidth(src, pos);
    while (pos < len && isInvalidStart(src, pos)) pos += charWidth(src, pos);
    push(TK_INVALID, start, pos);
    diag('Invalid character', describeInvalid(src, start, pos), start, pos);
  }
  // Close templates left open by the end of input.
  while (modes.length > 0) {
    const m = modes[modes.length - 1]!;
    if (m === M_QUOTED) unterminatedQuote(len);
    else if (m === M_HEREDOC) scanTemplateHeredoc();
    else modes.pop();
  }
  push(TK_EOF, len, len);
  return { count, types, starts, ends, lineStarts, lineCount, comments, diagnostics };
}

function codePointAt(src: string, pos: number): number {
  return src.codePointAt(pos) ?? 0;
}

function isUnicodeIdentStart(src: string, pos: number): boolean {
  return ID_START.test(String.fromCodePoint(codePointAt(src, pos)));
}

function isUnicodeIdentPart(src: string, pos: number): boolean {
  return ID_CONTINUE.test(String.fromCodePoint(codePointAt(src, pos)));
}

/** Whether the character at pos would also be invalid as the start of a token. */
function isInvalidStart(src: string, pos: number): boolean {
  const c = src.charCodeAt(pos);
  if (c < 32) return c !== 9 && c !== 10 && c !== 13;
  if (c < 127) {
    // Printable ASCII that starts no token.
    return c === 39 || c === 59 || c === 64 || c === 92 || c === 94 || c === 96;
  }
  if (c === 127) return true;
  return !isUnicodeIdentStart(src, pos);
}

function charWidth(src: string, pos: number): number {
  const c = src.charCodeAt(pos);
  if (c >= 0xd800 && c <= 0xdbff) {
    const d = src.charCodeAt(pos + 1);
    if (d >= 0xdc00 && d <= 0xdfff) return 2;
  }
  return 1;
}

function describeInvalid(src: string, start: number, end: number): string {
  const c = src.charCodeAt(start);
  if (c === 0)
    return 'This file contains a NUL byte, which is not used within the language. Is it a binary file?';
  if (c === 0xfffd) {
    return 'This character is the Unicode replacement character, which usually means the file is not valid UTF-8.';
  }
  if (c === 39) {
    return 'Single quotes are not valid. Use double quotes (") to enclose strings.';
  }
  if (c === 59) {
    return 'The ";" character is not valid. Use newlines to separate arguments and blocks, and commas to separate items in collection values.';
  }
  const cp = src.codePointAt(start) ?? c;
  const hex = cp.toString(16).toUpperCase().padStart(4, '0');
  const n = end - start;
  return `This character (U+${hex}) is not used within the language${n > 1 ? ` (nor are the ${n - 1} that follow it)` : ''}.`;
}
