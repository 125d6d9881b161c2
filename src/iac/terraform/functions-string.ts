/** String and numeric built-ins. */
import { ConversionError, formatNumber, toNum, toStr, typeName } from './convert.js';
import { FunctionError, type FunctionTable } from './function-types.js';
import { isObjectValue, type Value } from './value.js';

function str(v: Value, arg: number): string {
  try {
    return toStr(v);
  } catch (e) {
    if (e instanceof ConversionError) throw new FunctionError(e.message, arg);
    throw e;
  }
}

function num(v: Value, arg: number): number {
  try {
    return toNum(v);
  } catch (e) {
    if (e instanceof ConversionError) throw new FunctionError(e.message, arg);
    throw e;
  }
}

function int(v: Value, arg: number): number {
  const n = num(v, arg);
  if (!Number.isInteger(n)) throw new FunctionError('value must be a whole number', arg);
  return n;
}

/** Converts RE2 syntax to JavaScript RegExp where they differ (named groups, inline flags). */
export function compileRegex(pattern: string, arg: number, flags = ''): RegExp {
  let p = pattern.replace(/\(\?P</g, '(?<');
  let f = flags;
  const inline = /^\(\?([imsU]+)\)/.exec(p);
  if (inline?.[1]) {
    p = p.slice(inline[0].length);
    for (const c of inline[1]) if (c !== 'U' && !f.includes(c)) f += c;
  }
  p = p.replace(/\\A/g, '^').replace(/\\z/g, '$');
  try {
    return new RegExp(p, f + 'u');
  } catch (e) {
    throw new FunctionError(`invalid regular expression pattern: ${(e as Error).message}`, arg);
  }
}

function regexResult(m: RegExpExecArray): Value {
  if (m.groups && Object.keys(m.groups).length > 0) {
    const o: Record<string, Value> = {};
    for (const [k, v] of Object.entries(m.groups)) o[k] = v ?? null;
    return o;
  }
  if (m.length > 1) return m.slice(1).map((x) => x ?? null);
  return m[0];
}

/** Terraform's `format` verbs: %v %#v %t %b %d %o %x %X %e %E %f %g %G %s %q %%, with flags, width and precision. */
export function formatString(fmt: string, args: Value[]): string {
  let out = '';
  let argi = 0;
  const re = /%([-+ #0]*)(\[\d+\])?(\*|\d+)?(?:\.(\d+))?([a-zA-Z%])/g;
  let last = 0;
  for (let m = re.exec(fmt); m; m = re.exec(fmt)) {
    out += fmt.slice(last, m.index);
    last = re.lastIndex;
    const [, flags = '', explicit, widthRaw, precRaw, verb = ''] = m;
    if (verb === '%') {
      out += '%';
      continue;
    }
    if (explicit) argi = Number(explicit.slice(1, -1)) - 1;
    if (argi >= args.length) throw new FunctionError(`not enough arguments for format string`);
    const a = args[argi++] as Value;
    const prec = precRaw === undefined ? undefined : Number(precRaw);
    let s: string;
    switch (verb) {
      case 'v':
        s = flags.includes('#')
          ? JSON.stringify(a)
          : typeof a === 'string'
            ? a
            : isObjectValue(a) || Array.isArray(a)
              ? JSON.stringify(a)
              : a === null
                ? 'null'
                : str(a, argi);
        break;
      case 't':
        if (typeof a !== 'boolean')
          throw new FunctionError(`unsupported value for "%t" at ${m.index}: bool required`);
        s = String(a);
        break;
      case 'd': {
        const n = num(a, argi);
        if (!Number.isInteger(n))
          throw new FunctionError(`unsupported value for "%d" at ${m.index}: number has a fractional part`);
        s = formatNumber(Math.abs(n));
        if (n < 0) s = '-' + s;
        else if (flags.includes('+')) s = '+' + s;
        else if (flags.includes(' ')) s = ' ' + s;
        break;
      }
      case 'b':
      case 'o':
      case 'x':
      case 'X': {
        if (typeof a === 'string' && (verb === 'x' || verb === 'X')) {
          s = Buffer.from(a, 'utf8').toString('hex');
        } else {
          const n = num(a, argi);
          s = Math.trunc(n).toString(verb === 'b' ? 2 : verb === 'o' ? 8 : 16);
        }
        if (verb === 'X') s = s.toUpperCase();
        break;
      }
      case 'e':
      case 'E': {
        const n = num(a, argi);
        s = n.toExponential(prec ?? 6).replace(/e([+-])(\d)$/, 'e$10$2');
        if (verb === 'E') s = s.toUpperCase();
        if (n >= 0 && flags.includes('+')) s = '+' + s;
        break;
      }
      case 'f':
      case 'F': {
        const n = num(a, argi);
        s = n.toFixed(prec ?? 6);
        if (n >= 0 && flags.includes('+')) s = '+' + s;
        break;
      }
      case 'g':
      case 'G': {
        const n = num(a, argi);
        s = prec === undefined ? String(n) : n.toPrecision(prec);
        if (verb === 'G') s = s.toUpperCase();
        break;
      }
      case 's':
        s = str(a, argi);
        if (prec !== undefined) s = [...s].slice(0, prec).join('');
        break;
      case 'q':
        s = JSON.stringify(str(a, argi));
        break;
      default:
        throw new FunctionError(`unrecognized format character '${verb}' at offset ${m.index}`);
    }
    const width = widthRaw === '*' ? undefined : widthRaw === undefined ? undefined : Number(widthRaw);
    if (width !== undefined && [...s].length < width) {
      const pad = width - [...s].length;
      if (flags.includes('-')) s = s + ' '.repeat(pad);
      else if (flags.includes('0') && /[dfFeEgGbxXo]/.test(verb)) {
        const sign = /^[+\- ]/.test(s) ? s[0] : '';
        s = sign + '0'.repeat(pad) + s.slice(sign ? 1 : 0);
      } else s = ' '.repeat(pad) + s;
    }
    out += s;
  }
  out += fmt.slice(last);
  if (argi < args.length && !/%\[\d+\]/.test(fmt))
    throw new FunctionError(`too many arguments; no verbs left to use for argument ${argi + 1}`);
  return out;
}

function titleCase(s: string): string {
  return s.replace(/(^|[^\p{L}\p{N}'])(\p{L})/gu, (_m, pre: string, c: string) => pre + c.toUpperCase());
}

export const STRING_FUNCTIONS: FunctionTable = {
  abs: { arity: 1, impl: ([a]) => Math.abs(num(a as Value, 0)) },
  ceil: { arity: 1, impl: ([a]) => Math.ceil(num(a as Value, 0)) },
  floor: { arity: 1, impl: ([a]) => Math.floor(num(a as Value, 0)) },
  log: { arity: 2, impl: ([a, b]) => Math.log(num(a as Value, 0)) / Math.log(num(b as Value, 1)) },
  pow: { arity: 2, impl: ([a, b]) => Math.pow(num(a as Value, 0), num(b as Value, 1)) },
  signum: { arity: 1, impl: ([a]) => Math.sign(num(a as Value, 0)) },
  max: {
    arity: [1, Infinity],
    impl: (args) => Math.max(...args.map((a, i) => num(a, i))),
  },
  min: {
    arity: [1, Infinity],
    impl: (args) => Math.min(...args.map((a, i) => num(a, i))),
  },
  parseint: {
    arity: 2,
    impl: ([s, b]) => {
      const text = str(s as Value, 0);
      const base = int(b as Value, 1);
      if (base < 2 || base > 62)
        throw new FunctionError('base must be a whole number between 2 and 62 inclusive', 1);
      const digits = '0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';
      let t = text;
      let neg = false;
      if (t.startsWith('-') || t.startsWith('+')) {
        neg = t.startsWith('-');
        t = t.slice(1);
      }
      if (t === '') throw new FunctionError(`cannot parse "${text}" as a base ${base} integer`);
      let n = 0n;
      for (const c of t) {
        let d = digits.indexOf(base <= 36 ? c.toLowerCase() : c);
        if (base <= 36 && d >= 36) d = -1;
        if (d < 0 || d >= base) throw new FunctionError(`cannot parse "${text}" as a base ${base} integer`);
        n = n * BigInt(base) + BigInt(d);
      }
      return Number(neg ? -n : n);
    },
  },
  chomp: { arity: 1, impl: ([s]) => str(s as Value, 0).replace(/(?:\r\n|\n|\r)+$/, '') },
  endswith: { arity: 2, impl: ([s, x]) => str(s as Value, 0).endsWith(str(x as Value, 1)) },
  startswith: { arity: 2, impl: ([s, x]) => str(s as Value, 0).startsWith(str(x as Value, 1)) },
  strcontains: { arity: 2, impl: ([s, x]) => str(s as Value, 0).includes(str(x as Value, 1)) },
  format: {
    arity: [1, Infinity],
    impl: ([f, ...rest]) => formatString(str(f as Value, 0), rest),
  },
  formatlist: {
    arity: [1, Infinity],
    impl: ([f, ...rest]) => {
      const fmt = str(f as Value, 0);
      let n = -1;
      rest.forEach((a, i) => {
        if (Array.isArray(a)) {
          if (n >= 0 && a.length !== n) {
            throw new FunctionError(
              `argument ${i + 1} has length ${a.length}, which is inconsistent with argument 1 of length ${n}`,
            );
          }
          n = a.length;
        }
      });
      if (n < 0) n = 1;
      const out: Value[] = [];
      for (let i = 0; i < n; i++)
        out.push(
          formatString(
            fmt,
            rest.map((a) => (Array.isArray(a) ? (a[i] as Value) : a)),
          ),
        );
      return out;
    },
  },
  indent: {
    arity: 2,
    impl: ([n, s]) => {
      const pad = ' '.repeat(int(n as Value, 0));
      return str(s as Value, 1).replace(/\n/g, '\n' + pad);
    },
  },
  join: {
    arity: [2, Infinity],
    impl: ([sep, ...lists]) => {
      const parts: string[] = [];
      lists.forEach((l, i) => {
        if (!Array.isArray(l))
          throw new FunctionError(`list of string required, but have ${typeName(l)}`, i + 1);
        for (const x of l) {
          if (x === null)
            throw new FunctionError(`element ${parts.length} is null; cannot concatenate null values`, i + 1);
          parts.push(str(x, i + 1));
        }
      });
      return parts.join(str(sep as Value, 0));
    },
  },
  lower: { arity: 1, impl: ([s]) => str(s as Value, 0).toLowerCase() },
  upper: { arity: 1, impl: ([s]) => str(s as Value, 0).toUpperCase() },
  title: { arity: 1, impl: ([s]) => titleCase(str(s as Value, 0)) },
  regex: {
    arity: 2,
    impl: ([p, s]) => {
      const m = compileRegex(str(p as Value, 0), 0).exec(str(s as Value, 1));
      if (!m) throw new FunctionError('pattern did not match any part of the given string');
      return regexResult(m);
    },
  },
  regexall: {
    arity: 2,
    impl: ([p, s]) => {
      const re = compileRegex(str(p as Value, 0), 0, 'g');
      const out: Value[] = [];
      const text = str(s as Value, 1);
      for (let m = re.exec(text); m; m = re.exec(text)) {
        out.push(regexResult(m));
        if (m[0] === '') re.lastIndex++;
      }
      return out;
    },
  },
  replace: {
    arity: 3,
    impl: ([s, sub, rep]) => {
      const text = str(s as Value, 0);
      const search = str(sub as Value, 1);
      const replacement = str(rep as Value, 2);
      const m = /^\/(.*)\/$/s.exec(search);
      if (m && search.length > 1) {
        const re = compileRegex(m[1] ?? '', 1, 'g');
        return text.replace(re, replacement.replace(/\$\{(\w+)\}/g, '$<$1>').replace(/\$(\d+)/g, '$$$1'));
      }
      return search === '' ? text : text.split(search).join(replacement);
    },
  },
  split: {
    arity: 2,
    impl: ([sep, s]) => {
      const text = str(s as Value, 1);
      const separator = str(sep as Value, 0);
      return separator === '' ? [...text] : text.split(separator);
    },
  },
  strrev: { arity: 1, impl: ([s]) => [...str(s as Value, 0)].reverse().join('') },
  substr: {
    arity: 3,
    impl: ([s, o, l]) => {
      const chars = [...str(s as Value, 0)];
      let offset = int(o as Value, 1);
      let length = int(l as Value, 2);
      if (offset < 0) offset = chars.length + offset;
      if (offset < 0 || offset > chars.length) throw new FunctionError('offset out of bounds', 1);
      if (length < 0) length = chars.length - offset;
      return chars.slice(offset, offset + length).join('');
    },
  },
  trim: {
    arity: 2,
    impl: ([s, cut]) => {
      const set = new Set([...str(cut as Value, 1)]);
      const chars = [...str(s as Value, 0)];
      let a = 0;
      let b = chars.length;
      while (a < b && set.has(chars[a] as string)) a++;
      while (b > a && set.has(chars[b - 1] as string)) b--;
      return chars.slice(a, b).join('');
    },
  },
  trimprefix: {
    arity: 2,
    impl: ([s, p]) => {
      const t = str(s as Value, 0);
      const x = str(p as Value, 1);
      return t.startsWith(x) ? t.slice(x.length) : t;
    },
  },
  trimsuffix: {
    arity: 2,
    impl: ([s, p]) => {
      const t = str(s as Value, 0);
      const x = str(p as Value, 1);
      return x !== '' && t.endsWith(x) ? t.slice(0, t.length - x.length) : t;
    },
  },
  trimspace: { arity: 1, impl: ([s]) => str(s as Value, 0).replace(/^\s+|\s+$/gu, '') },
};

export { str as argString, num as argNumber, int as argInt };
