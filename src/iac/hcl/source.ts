/**
 * Turning file bytes into the text the parser reads, reporting invalid UTF-8 with its position.
 */
import type { Diagnostic } from './ast.js';

const strict = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });
const lenient = new TextDecoder('utf-8', { fatal: false, ignoreBOM: false });

/**
 * Decodes UTF-8 file content. Valid input decodes as is (a leading BOM is dropped). Invalid input
 * is decoded with U+FFFD replacement characters and one diagnostic naming the line, column and
 * byte offset of the first invalid sequence, so a scan reports the file instead of failing.
 */
export function decodeSource(bytes: Uint8Array, file: string): { text: string; diagnostics: Diagnostic[] } {
  try {
    return { text: strict.decode(bytes), diagnostics: [] };
  } catch {
    const text = lenient.decode(bytes);
    const bad = firstInvalidUtf8(bytes);
    // Position in the decoded text: decode the valid prefix (it cannot fail).
    const prefix = lenient.decode(bytes.subarray(0, bad));
    const offset = prefix.length - (prefix.charCodeAt(0) === 0xfeff ? 1 : 0);
    let line = 1;
    let lineStart = 0;
    for (let k = prefix.indexOf('\n'); k >= 0; k = prefix.indexOf('\n', k + 1)) {
      line++;
      lineStart = k + 1;
    }
    const column = prefix.length - lineStart + 1;
    const pos = { line, column, offset };
    const end = { line, column: column + 1, offset: offset + 1 };
    return {
      text,
      diagnostics: [
        {
          severity: 'error',
          summary: 'Invalid UTF-8',
          detail: `The file is not valid UTF-8: byte 0x${bytes[bad]!.toString(16).toUpperCase().padStart(2, '0')} at byte offset ${bad} does not start a valid UTF-8 sequence. HCL files must be UTF-8; invalid bytes were read as U+FFFD.`,
          range: { file, start: pos, end },
        },
      ],
    };
  }
}

/** Byte offset of the first byte that does not begin a well-formed UTF-8 sequence. */
function firstInvalidUtf8(b: Uint8Array): number {
  let i = 0;
  const n = b.length;
  while (i < n) {
    const c = b[i]!;
    if (c < 0x80) {
      i++;
      continue;
    }
    let need: number;
    let min: number;
    if (c >= 0xc2 && c <= 0xdf) {
      need = 1;
      min = 0x80;
    } else if (c >= 0xe0 && c <= 0xef) {
      need = 2;
      min = 0x800;
    } else if (c >= 0xf0 && c <= 0xf4) {
      need = 3;
      min = 0x10000;
    } else return i;
    let cp = c & (need === 1 ? 0x1f : need === 2 ? 0x0f : 0x07);
    for (let k = 1; k <= need; k++) {
      const d = b[i + k];
      if (d === undefined || (d & 0xc0) !== 0x80) return i;
      cp = (cp << 6) | (d & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return i;
    i += need + 1;
  }
  return n;
}
