/** Encoding, hashing, filesystem, date/time and IP network built-ins. */
import { createHash } from 'node:crypto';
import { posix } from 'node:path';
import { gzipSync } from 'node:zlib';
import { parseAllDocuments, stringify } from 'yaml';
import { formatNumber, lexical, sortedKeys, toStr, typeName } from './convert.js';
import { FunctionError, type FunctionEnv, type FunctionTable } from './function-types.js';
import { argInt, argString } from './functions-string.js';
import { containsUnknown, isObjectValue, isUnknown, Unknown, type ObjectValue, type Value } from './value.js';

const utf8 = new TextDecoder('utf-8', { fatal: true });

function b64(s: string | Uint8Array): string {
  return Buffer.from(s).toString('base64');
}

function hash(alg: string, data: string | Uint8Array, enc: 'hex' | 'base64'): string {
  return createHash(alg).update(data).digest(enc);
}

/** JSON text as Terraform's jsonencode writes it: compact, keys sorted, <>& escaped. */
export function jsonEncode(v: Value): string {
  if (v === null) return 'null';
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (typeof v === 'number') return formatNumber(v);
  if (typeof v === 'string') return escapeJson(v);
  if (Array.isArray(v)) return '[' + v.map(jsonEncode).join(',') + ']';
  if (isUnknown(v)) throw new FunctionError('value is unknown');
  return (
    '{' +
    sortedKeys(v)
      .map((k) => escapeJson(k) + ':' + jsonEncode(v[k] as Value))
      .join(',') +
    '}'
  );
}

function escapeJson(s: string): string {
  return JSON.stringify(s)
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

function fromJson(x: unknown): Value {
  if (x === null || typeof x === 'string' || typeof x === 'number' || typeof x === 'boolean') return x;
  if (Array.isArray(x)) return x.map(fromJson);
  if (x instanceof Date) return x.toISOString();
  if (typeof x === 'object') {
    const o: ObjectValue = {};
    for (const [k, v] of Object.entries(x as Record<string, unknown>)) o[k] = fromJson(v);
    return o;
  }
  if (typeof x === 'bigint') return Number(x);
  return null;
}

function toPlain(v: Value): unknown {
  if (Array.isArray(v)) return v.map(toPlain);
  if (isObjectValue(v)) {
    const o: Record<string, unknown> = {};
    for (const k of sortedKeys(v)) o[k] = toPlain(v[k] as Value);
    return o;
  }
  return v;
}

/** Minimal RFC 4180 reader, as csvdecode needs it. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let i = 0;
  let quoted = false;
  let any = false;
  while (i < text.length) {
    const c = text[i] as string;
    if (quoted) {
      if (c === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i += 2;
          continue;
        }
        quoted = false;
        i++;
        continue;
      }
      field += c;
      i++;
      continue;
    }
    if (c === '"' && field === '') {
      quoted = true;
      any = true;
      i++;
    } else if (c === ',') {
      row.push(field);
      field = '';
      any = true;
      i++;
    } else if (c === '\n' || c === '\r') {
      if (any || field !== '') {
        row.push(field);
        rows.push(row);
      }
      row = [];
      field = '';
      any = false;
      i += c === '\r' && text[i + 1] === '\n' ? 2 : 1;
    } else {
      field += c;
      any = true;
      i++;
    }
  }
  if (quoted) throw new FunctionError('extraneous or missing " in quoted-field');
  if (any || field !== '') {
    row.push(field);
    rows.push(row);
  }
  return rows;
}

function readFileArg(env: FunctionEnv, p: string): Uint8Array | Unknown {
  const abs = posix.resolve(env.cwd, p);
  const data = env.files.read(abs);
  if (data === undefined) {
    env.files.request('file', abs);
    return new Unknown(`file ${p} not read yet`);
  }
  if (data === null)
    throw new FunctionError(
      `no file exists at "${p}"; this function works only with files that are distributed as part of the configuration source code`,
    );
  return data;
}

function readText(env: FunctionEnv, p: string): string | Unknown {
  const data = readFileArg(env, p);
  if (isUnknown(data)) return data;
  try {
    return utf8.decode(data);
  } catch {
    throw new FunctionError(
      `contents of "${p}" are not valid UTF-8; use the filebase64 function to obtain the Base64 encoded contents or the other file functions (e.g. filemd5, filesha256) to obtain file hashing results instead`,
    );
  }
}

function globToRegex(pattern: string): RegExp {
  let re = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i] as string;
    if (c === '*') {
      if (pattern[i + 1] === '*') {
        i++;
        if (pattern[i + 1] === '/') {
          i++;
          re += '(?:.*/)?';
        } else re += '.*';
      } else re += '[^/]*';
    } else if (c === '?') re += '[^/]';
    else if (c === '{') {
      const end = pattern.indexOf('}', i);
      if (end < 0) throw new FunctionError(`failed to glob pattern (${pattern}): syntax error in pattern`);
      re +=
        '(?:' +
        pattern
          .slice(i + 1, end)
          .split(',')
          .map(escapeRe)
          .join('|') +
        ')';
      i = end;
    } else if (c === '[') {
      const end = pattern.indexOf(']', i);
      if (end < 0) throw new FunctionError(`failed to glob pattern (${pattern}): syntax error in pattern`);
      re += '[' + pattern.slice(i + 1, end).replace(/^!/, '^') + ']';
      i = end;
    } else if (c === '\\' && i + 1 < pattern.length) re += escapeRe(pattern[++i] as string);
    else re += escapeRe(c);
  }
  return new RegExp('^' + re + '$', 'u');
}

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

// ---------- date and time ----------

interface Stamp {
  ms: number;
  /** Offset from UTC in minutes. */
  offset: number;
  /** Fractional seconds text, kept as written. */
  frac: string;
}

function parseStamp(s: string, arg: number): Stamp {
  const m = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/.exec(s);
  if (!m) throw new FunctionError(`not a valid RFC3339 timestamp: cannot use "${s}" as year`, arg);
  const [, y, mo, d, h, mi, se, frac = '', tz = 'Z'] = m;
  const offset =
    tz === 'Z' || tz === 'z'
      ? 0
      : (tz[0] === '-' ? -1 : 1) * (Number(tz.slice(1, 3)) * 60 + Number(tz.slice(4, 6)));
  const ms =
    Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(se)) - offset * 60_000;
  return { ms: ms + Math.floor(Number('0' + (frac || '.0')) * 1000), offset, frac };
}

const MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];
const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

function pad(n: number, w = 2): string {
  return String(n).padStart(w, '0');
}

function offsetText(off: number, colon: boolean): string {
  const sign = off < 0 ? '-' : '+';
  const a = Math.abs(off);
  return sign + pad(Math.floor(a / 60)) + (colon ? ':' : '') + pad(a % 60);
}

function rfc3339(st: Stamp): string {
  const d = new Date(st.ms + st.offset * 60_000);
  const base = `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}T${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
  const ms = d.getUTCMilliseconds();
  const frac = ms ? '.' + pad(ms, 3).replace(/0+$/, '') : '';
  return base + frac + (st.offset === 0 ? 'Z' : offsetText(st.offset, true));
}

export function formatDate(spec: string, ts: string): string {
  const st = parseStamp(ts, 1);
  const d = new Date(st.ms + st.offset * 60_000);
  const tokens: Record<string, () => string> = {
    YYYY: () => pad(d.getUTCFullYear(), 4),
    YY: () => pad(d.getUTCFullYear() % 100),
    MMMM: () => MONTHS[d.getUTCMonth()] as string,
    MMM: () => (MONTHS[d.getUTCMonth()] as string).slice(0, 3),
    MM: () => pad(d.getUTCMonth() + 1),
    M: () => String(d.getUTCMonth() + 1),
    DD: () => pad(d.getUTCDate()),
    D: () => String(d.getUTCDate()),
    EEEE: () => DAYS[d.getUTCDay()] as string,
    EEE: () => (DAYS[d.getUTCDay()] as string).slice(0, 3),
    hh: () => pad(d.getUTCHours()),
    h: () => String(d.getUTCHours()),
    HH: () => pad(d.getUTCHours() % 12 === 0 ? 12 : d.getUTCHours() % 12),
    H: () => String(d.getUTCHours() % 12 === 0 ? 12 : d.getUTCHours() % 12),
    AA: () => (d.getUTCHours() < 12 ? 'AM' : 'PM'),
    aa: () => (d.getUTCHours() < 12 ? 'am' : 'pm'),
    mm: () => pad(d.getUTCMinutes()),
    m: () => String(d.getUTCMinutes()),
    ss: () => pad(d.getUTCSeconds()),
    s: () => String(d.getUTCSeconds()),
    ZZZZZ: () => (st.offset === 0 ? 'Z' : offsetText(st.offset, true)),
    ZZZZ: () => offsetText(st.offset, false),
    ZZZ: () => (st.offset === 0 ? 'UTC' : offsetText(st.offset, false)),
    Z: () => (st.offset === 0 ? 'Z' : offsetText(st.offset, true)),
  };
  let out = '';
  let i = 0;
  while (i < spec.length) {
    const c = spec[i] as string;
    if (c === "'") {
      const end = spec.indexOf("'", i + 1);
      if (end < 0) throw new FunctionError("unterminated literal '", 0);
      out += end === i + 1 ? "'" : spec.slice(i + 1, end);
      i = end + 1;
      continue;
    }
    if (/[A-Za-z]/.test(c)) {
      let j = i;
      while (spec[j] === c) j++;
      const tok = spec.slice(i, j);
      const f = tokens[tok];
      if (!f) throw new FunctionError(`invalid date format verb "${tok}": unsupported format verb`, 0);
      out += f();
      i = j;
      continue;
    }
    out += c;
    i++;
  }
  return out;
}

function parseDuration(s: string): number {
  const units: Record<string, number> = {
    ns: 1e-6,
    us: 1e-3,
    µs: 1e-3,
    ms: 1,
    s: 1000,
    m: 60_000,
    h: 3_600_000,
  };
  const m = /^([+-])?((?:\d+(?:\.\d+)?(?:ns|us|µs|ms|s|m|h))+|0)$/.exec(s);
  if (!m) throw new FunctionError(`time: invalid duration "${s}"`, 1);
  let total = 0;
  for (const part of (m[2] ?? '').matchAll(/(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/g)) {
    total += Number(part[1]) * (units[part[2] ?? 's'] ?? 0);
  }
  return m[1] === '-' ? -total : total;
}

// ---------- IP networks ----------

interface Cidr {
  addr: bigint;
  bits: 32 | 128;
  prefix: number;
}

function parseIp(s: string): { addr: bigint; bits: 32 | 128 } | undefined {
  if (/^\d+\.\d+\.\d+\.\d+$/.test(s)) {
    const parts = s.split('.').map(Number);
    if (parts.some((p) => p > 255)) return undefined;
    return { addr: parts.reduce((a, p) => (a << 8n) | BigInt(p), 0n), bits: 32 };
  }
  if (!s.includes(':')) return undefined;
  let text = s;
  let tail: bigint[] = [];
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (v4?.[1]) {
    const p = parseIp(v4[1]);
    if (!p) return undefined;
    tail = [p.addr >> 16n, p.addr & 0xffffn];
    text = text.slice(0, -v4[1].length) + (text.endsWith('::' + v4[1]) ? '' : '0');
    if (text.endsWith(':0')) text = text.slice(0, -2);
  }
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const parse = (h: string | undefined): bigint[] =>
    h
      ? h
          .split(':')
          .filter((x) => x !== '')
          .map((x) => BigInt('0x' + x))
      : [];
  const head = parse(halves[0]);
  const rest = [...parse(halves[1]), ...tail];
  const total = halves.length === 2 ? head.length + rest.length : head.length + tail.length;
  if (total > 8) return undefined;
  const groups =
    halves.length === 2 ? [...head, ...Array<bigint>(8 - total).fill(0n), ...rest] : [...head, ...tail];
  if (groups.length !== 8) return undefined;
  return { addr: groups.reduce((a, g) => (a << 16n) | g, 0n), bits: 128 };
}

function parseCidr(s: string, arg: number): Cidr {
  const [ip, len] = s.split('/');
  const p = ip === undefined ? undefined : parseIp(ip);
  const prefix = Number(len);
  if (!p || len === undefined || !/^\d+$/.test(len) || prefix > p.bits)
    throw new FunctionError(`invalid CIDR address: ${s}`, arg);
  const mask = ((1n << BigInt(p.bits)) - 1n) ^ ((1n << BigInt(p.bits - prefix)) - 1n);
  return { addr: p.addr & mask, bits: p.bits, prefix };
}

export function formatIp(addr: bigint, bits: 32 | 128): string {
  if (bits === 32) return [24n, 16n, 8n, 0n].map((s) => String((addr >> s) & 255n)).join('.');
  const groups: number[] = [];
  for (let i = 7; i >= 0; i--) groups.push(Number((addr >> BigInt(i * 16)) & 0xffffn));
  let bestStart = -1;
  let bestLen = 0;
  for (let i = 0; i < 8;) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen && j - i >= 2) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestStart < 0) return hex.join(':');
  return hex.slice(0, bestStart).join(':') + '::' + hex.slice(bestStart + bestLen).join(':');
}

function subnet(base: Cidr, newbits: number, netnum: bigint): Cidr {
  const prefix = base.prefix + newbits;
  if (newbits < 0) throw new FunctionError('must extend prefix by at least 1 bit', 1);
  if (prefix > base.bits) {
    throw new FunctionError(`insufficient address space to extend prefix of ${base.prefix} by ${newbits}`);
  }
  if (netnum < 0n || netnum >= 1n << BigInt(newbits)) {
    throw new FunctionError(
      `prefix extension of ${newbits} does not accommodate a subnet numbered ${netnum}`,
    );
  }
  return { addr: base.addr | (netnum << BigInt(base.bits - prefix)), bits: base.bits, prefix };
}

function cidrText(c: Cidr): string {
  return `${formatIp(c.addr, c.bits)}/${c.prefix}`;
}

function cidrsubnets(base: Cidr, lengths: number[]): string[] {
  const size = (p: number): bigint => 1n << BigInt(base.bits - p);
  const modulus = 1n << BigInt(base.bits);
  const maskTo = (a: bigint, p: number): bigint => a & ~(size(p) - 1n) & (modulus - 1n);
  const first = lengths[0] ?? 0;
  // go-cidr PreviousSubnet then NextSubnet, as Terraform's cidrsubnets does.
  let cur: Cidr = {
    addr: maskTo((base.addr - 1n + modulus) % modulus, base.prefix + first),
    bits: base.bits,
    prefix: base.prefix + first,
  };
  const baseEnd = base.addr + size(base.prefix);
  return lengths.map((len, i) => {
    const p = base.prefix + len;
    if (len < 1) throw new FunctionError('must extend prefix by at least 1 bit', i + 1);
    if (p > base.bits)
      throw new FunctionError(
        `would extend prefix to ${p} bits, which is too long for an IPv${base.bits === 32 ? 4 : 6} address`,
        i + 1,
      );
    const curLast = cur.addr + size(cur.prefix) - 1n;
    const containing = maskTo(curLast, p);
    const last = containing + size(p) - 1n;
    const nextAddr = (last + 1n) % modulus;
    const next = maskTo(nextAddr, p);
    if (nextAddr === 0n || next < base.addr || next >= baseEnd) {
      throw new FunctionError(
        `not enough remaining address space for a subnet with a prefix of ${p} bits after ${cidrText(cur)}`,
        i + 1,
      );
    }
    cur = { addr: next, bits: base.bits, prefix: p };
    return cidrText(cur);
  });
}

function uuidv5(ns: string, name: string): string {
  const namespaces: Record<string, string> = {
    dns: '6ba7b810-9dad-11d1-80b4-00c04fd430c8',
    url: '6ba7b811-9dad-11d1-80b4-00c04fd430c8',
    oid: '6ba7b812-9dad-11d1-80b4-00c04fd430c8',
    x500: '6ba7b814-9dad-11d1-80b4-00c04fd430c8',
  };
  const nsText = namespaces[ns] ?? ns;
  const nsHex = nsText.replace(/-/g, '');
  if (!/^[0-9a-fA-F]{32}$/.test(nsHex))
    throw new FunctionError(`uuidv5() doesn't support namespace ${ns}`, 0);
  const h = createHash('sha1').update(Buffer.from(nsHex, 'hex')).update(name).digest();
  h[6] = ((h[6] ?? 0) & 0x0f) | 0x50;
  h[8] = ((h[8] ?? 0) & 0x3f) | 0x80;
  const x = h.subarray(0, 16).toString('hex');
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20)}`;
}

function fileHash(alg: string, enc: 'hex' | 'base64'): FunctionTable[string] {
  return {
    arity: 1,
    impl: ([p], env) => {
      const data = readFileArg(env, argString(p as Value, 0));
      return isUnknown(data) ? data : hash(alg, data, enc);
    },
  };
}

function strHash(alg: string, enc: 'hex' | 'base64'): FunctionTable[string] {
  return { arity: 1, impl: ([s]) => hash(alg, argString(s as Value, 0), enc) };
}

export const EXTRA_FUNCTIONS: FunctionTable = {
  base64decode: {
    arity: 1,
    impl: ([s]) => {
      const text = argString(s as Value, 0);
      if (!/^[A-Za-z0-9+/]*={0,2}$/.test(text) || text.length % 4 !== 0) {
        throw new FunctionError(`failed to decode base64 data ${JSON.stringify(text)}`, 0);
      }
      try {
        return utf8.decode(Buffer.from(text, 'base64'));
      } catch {
        throw new FunctionError('the result of decoding the provided string is not valid UTF-8', 0);
      }
    },
  },
  base64encode: { arity: 1, impl: ([s]) => b64(argString(s as Value, 0)) },
  base64gzip: { arity: 1, impl: ([s]) => b64(gzipSync(argString(s as Value, 0))) },
  textencodebase64: {
    arity: 2,
    impl: ([s, e]) => {
      const enc = argString(e as Value, 1)
        .toLowerCase()
        .replace(/[-_]/g, '');
      const text = argString(s as Value, 0);
      if (enc === 'utf8') return b64(text);
      if (enc === 'utf16le') return Buffer.from(text, 'utf16le').toString('base64');
      if (enc === 'iso88591' || enc === 'latin1') return Buffer.from(text, 'latin1').toString('base64');
      throw new FunctionError(
        `"${argString(e as Value, 1)}" is not a supported IANA encoding name or alias in this Terraform version`,
        1,
      );
    },
  },
  textdecodebase64: {
    arity: 2,
    impl: ([s, e]) => {
      const enc = argString(e as Value, 1)
        .toLowerCase()
        .replace(/[-_]/g, '');
      const buf = Buffer.from(argString(s as Value, 0), 'base64');
      if (enc === 'utf8') return buf.toString('utf8');
      if (enc === 'utf16le') return buf.toString('utf16le');
      if (enc === 'iso88591' || enc === 'latin1') return buf.toString('latin1');
      throw new FunctionError(
        `"${argString(e as Value, 1)}" is not a supported IANA encoding name or alias in this Terraform version`,
        1,
      );
    },
  },
  csvdecode: {
    arity: 1,
    impl: ([s]) => {
      const rows = parseCsv(argString(s as Value, 0));
      const [header, ...rest] = rows;
      if (!header) throw new FunctionError('missing header line');
      return rest.map((r, i) => {
        if (r.length !== header.length)
          throw new FunctionError(`record on line ${i + 2}: wrong number of fields`);
        const o: ObjectValue = {};
        header.forEach((h, j) => (o[h] = r[j] ?? ''));
        return o;
      });
    },
  },
  jsondecode: {
    arity: 1,
    impl: ([s]) => {
      try {
        return fromJson(JSON.parse(argString(s as Value, 0)));
      } catch (e) {
        if (e instanceof SyntaxError) throw new FunctionError(e.message, 0);
        throw e;
      }
    },
  },
  jsonencode: {
    arity: 1,
    acceptsUnknown: true,
    // Terraform's result is wholly unknown when anything inside is; the structure is kept as the
    // Unknown's `partial` so analysis can still read its known parts (IAM policy documents).
    impl: ([v]) => {
      const x = v as Value;
      if (isUnknown(x)) return new Unknown('jsonencode() of an unknown value');
      if (containsUnknown(x)) return new Unknown('jsonencode() of an unknown value', x);
      return jsonEncode(x);
    },
  },
  urlencode: {
    arity: 1,
    impl: ([s]) =>
      encodeURIComponent(argString(s as Value, 0))
        .replace(/%20/g, '+')
        .replace(/[!'()*]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase()),
  },
  yamldecode: {
    arity: 1,
    impl: ([s]) => {
      const docs = parseAllDocuments(argString(s as Value, 0));
      const list = Array.isArray(docs) ? docs : [docs];
      if (list.length > 1)
        throw new FunctionError('on line 1, column 1: unexpected extra content after value', 0);
      const doc = list[0];
      if (!doc) return null;
      if (doc.errors.length > 0) throw new FunctionError(doc.errors[0]?.message ?? 'invalid YAML', 0);
      return fromJson(doc.toJS());
    },
  },
  yamlencode: { arity: 1, impl: ([v]) => stringify(toPlain(v as Value), { lineWidth: 0 }) },
  md5: strHash('md5', 'hex'),
  sha1: strHash('sha1', 'hex'),
  sha256: strHash('sha256', 'hex'),
  sha512: strHash('sha512', 'hex'),
  base64sha256: strHash('sha256', 'base64'),
  base64sha512: strHash('sha512', 'base64'),
  filemd5: fileHash('md5', 'hex'),
  filesha1: fileHash('sha1', 'hex'),
  filesha256: fileHash('sha256', 'hex'),
  filesha512: fileHash('sha512', 'hex'),
  filebase64sha256: fileHash('sha256', 'base64'),
  filebase64sha512: fileHash('sha512', 'base64'),
  uuid: { arity: 0, impl: () => new Unknown('uuid() changes on every apply') },
  uuidv5: { arity: 2, impl: ([n, s]) => uuidv5(argString(n as Value, 0), argString(s as Value, 1)) },
  bcrypt: { arity: [1, 2], impl: () => new Unknown('bcrypt() uses a random salt') },
  timestamp: { arity: 0, impl: () => new Unknown('timestamp() is known only at apply') },
  plantimestamp: { arity: 0, impl: () => new Unknown('plantimestamp() is known only at plan') },
  formatdate: {
    arity: 2,
    impl: ([f, t]) => formatDate(argString(f as Value, 0), argString(t as Value, 1)),
  },
  timeadd: {
    arity: 2,
    impl: ([t, d]) => {
      const st = parseStamp(argString(t as Value, 0), 0);
      return rfc3339({ ...st, ms: st.ms + parseDuration(argString(d as Value, 1)) });
    },
  },
  timecmp: {
    arity: 2,
    impl: ([a, b]) =>
      Math.sign(parseStamp(argString(a as Value, 0), 0).ms - parseStamp(argString(b as Value, 1), 1).ms),
  },
  file: {
    arity: 1,
    impl: ([p], env) => readText(env, argString(p as Value, 0)),
  },
  filebase64: {
    arity: 1,
    impl: ([p], env) => {
      const data = readFileArg(env, argString(p as Value, 0));
      return isUnknown(data) ? data : b64(data);
    },
  },
  fileexists: {
    arity: 1,
    impl: ([p], env) => {
      const abs = posix.resolve(env.cwd, argString(p as Value, 0));
      const data = env.files.read(abs);
      if (data === undefined) {
        env.files.request('file', abs);
        return new Unknown('file not read yet');
      }
      return data !== null;
    },
  },
  fileset: {
    arity: 2,
    impl: ([p, g], env) => {
      const dir = posix.resolve(env.cwd, argString(p as Value, 0));
      const files = env.files.list(dir);
      if (files === undefined) {
        env.files.request('dir', dir);
        return new Unknown('directory not listed yet');
      }
      if (files === null) return [];
      const re = globToRegex(argString(g as Value, 1));
      return files.filter((f) => re.test(f)).sort(lexical);
    },
  },
  templatefile: {
    arity: 2,
    shallow: true,
    impl: ([p, vars], env, range) => {
      const path = argString(p as Value, 0);
      if (!isObjectValue(vars))
        throw new FunctionError(`invalid vars value: must be a map, not ${typeName(vars as Value)}`, 1);
      const text = readText(env, path);
      if (isUnknown(text)) return text;
      return env.renderTemplate(text, posix.resolve(env.cwd, path), vars, range);
    },
  },
  abspath: { arity: 1, impl: ([p], env) => posix.resolve(env.cwd, argString(p as Value, 0)) },
  dirname: { arity: 1, impl: ([p]) => posix.dirname(argString(p as Value, 0)) },
  basename: { arity: 1, impl: ([p]) => posix.basename(argString(p as Value, 0)) },
  pathexpand: {
    arity: 1,
    impl: ([p]) => {
      const s = argString(p as Value, 0);
      return s.startsWith('~') ? new Unknown('home directory of the machine that runs Terraform') : s;
    },
  },
  cidrhost: {
    arity: 2,
    impl: ([c, h]) => {
      const base = parseCidr(argString(c as Value, 0), 0);
      let n = BigInt(argInt(h as Value, 1));
      const size = 1n << BigInt(base.bits - base.prefix);
      if (n < 0n) n = size + n;
      if (n < 0n || n >= size)
        throw new FunctionError(
          `prefix of ${base.prefix} does not accommodate a host numbered ${argInt(h as Value, 1)}`,
        );
      return formatIp(base.addr + n, base.bits);
    },
  },
  cidrnetmask: {
    arity: 1,
    impl: ([c]) => {
      const base = parseCidr(argString(c as Value, 0), 0);
      if (base.bits !== 32) throw new FunctionError('only IPv4 networks are supported', 0);
      const mask = ((1n << 32n) - 1n) ^ ((1n << BigInt(32 - base.prefix)) - 1n);
      return formatIp(mask, 32);
    },
  },
  cidrsubnet: {
    arity: 3,
    impl: ([c, nb, nn]) =>
      cidrText(
        subnet(
          parseCidr(argString(c as Value, 0), 0),
          argInt(nb as Value, 1),
          BigInt(argInt(nn as Value, 2)),
        ),
      ),
  },
  cidrsubnets: {
    arity: [1, Infinity],
    impl: ([c, ...bits]) =>
      cidrsubnets(
        parseCidr(argString(c as Value, 0), 0),
        bits.map((b, i) => argInt(b, i + 1)),
      ),
  },
};

export { toStr };
