/**
 * Ignore list on `type.id`, gitignore-style: one pattern a line, `#` comments, blank lines
 * skipped, `*` any run of characters (ids such as ARNs contain `/`, so `*` crosses it), `?` one
 * character, a leading `!` re-includes what an earlier pattern ignored, `\!` and `\#` are literal.
 * The last matching pattern wins, as in .gitignore and driftctl's .driftignore.
 */
export interface IgnoreRule {
  negate: boolean;
  pattern: string;
  re: RegExp;
}

export function parseIgnore(lines: readonly string[] | string): IgnoreRule[] {
  const list = typeof lines === 'string' ? lines.split(/\r?\n/) : lines;
  const out: IgnoreRule[] = [];
  for (const raw of list) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const negate = line.startsWith('!');
    const body = negate
      ? line.slice(1)
      : line.startsWith('\\!') || line.startsWith('\\#')
        ? line.slice(1)
        : line;
    let re = '';
    for (const ch of body) {
      if (ch === '*') re += '.*';
      else if (ch === '?') re += '.';
      else re += ch.replace(/[.+^${}()|[\]\\]/g, '\\$&');
    }
    out.push({ negate, pattern: line, re: new RegExp(`^${re}$`) });
  }
  return out;
}

export function isIgnored(type: string, id: string, rules: readonly IgnoreRule[]): boolean {
  const key = `${type}.${id}`;
  let ignored = false;
  for (const r of rules) if (r.re.test(key)) ignored = !r.negate;
  return ignored;
}
