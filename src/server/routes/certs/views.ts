/** Response schemas of the certs API and the mapping from store records. */
import { Type, type Static } from 'typebox';
import type { CertificateStatus } from '../../../estate/certificates.js';
import type { CertResult, CertTarget } from '../../../store/certs/index.js';

/** `type: [T, null]` rather than anyOf: fast-json-stringify serialises it without a per-value check. */
function nullable<T>(type: 'string' | 'integer' | 'boolean', extra: Record<string, unknown> = {}) {
  return Type.Unsafe<T | null>({ type: [type, 'null'], ...extra });
}

const LEVELS = ['expired', 'critical', 'warning', 'notice', 'ok'];
const LevelOut = nullable<string>('string', {
  enum: [...LEVELS, null],
  description: 'expired (< 0 days), critical (<= 7), warning (<= 14), notice (<= 30), ok; null: not checked',
});

export const CertificateInfoView = Type.Object({
  subject: Type.String(),
  commonName: nullable<string>('string'),
  sans: Type.Array(Type.String()),
  issuer: Type.String(),
  serialNumber: Type.String(),
  notBefore: Type.String(),
  notAfter: Type.String(),
  daysToExpiry: Type.Integer(),
  keyType: Type.String(),
  keyBits: nullable<number>('integer'),
  signatureAlgorithm: nullable<string>('string'),
  selfSigned: Type.Boolean(),
  isCa: Type.Boolean(),
  fingerprint256: Type.String(),
});

export const TlsCheckView = Type.Object(
  {
    target: Type.String(),
    host: Type.String(),
    port: Type.Integer(),
    servername: nullable<string>('string'),
    checkedAt: Type.String(),
    error: Type.Union([
      Type.Object({
        code: Type.String(),
        reason: Type.String({ description: 'dns | refused | timeout | handshake | network' }),
        message: Type.String(),
      }),
      Type.Null(),
    ]),
    protocol: nullable<string>('string'),
    cipher: nullable<string>('string'),
    chain: Type.Array(CertificateInfoView, { description: 'Leaf first' }),
    notAfter: nullable<string>('string'),
    daysToExpiry: nullable<number>('integer'),
    level: LevelOut,
    hostnameMatch: nullable<boolean>('boolean'),
    hostnameError: nullable<string>('string'),
    trusted: nullable<boolean>('boolean'),
    trustError: nullable<string>('string'),
    selfSigned: nullable<boolean>('boolean'),
    weak: Type.Array(Type.String()),
    problems: Type.Array(Type.String()),
  },
  { description: 'One live TLS check (the probe result)' },
);

export const CertTargetView = Type.Object({
  id: Type.String(),
  host: Type.String(),
  port: Type.Integer(),
  servername: nullable<string>('string'),
  addedBy: Type.String(),
  createdAt: Type.String({ format: 'date-time' }),
});
export type CertTargetView = Static<typeof CertTargetView>;

export const CertResultView = Type.Object({
  id: Type.String(),
  checkedAt: Type.String({ format: 'date-time' }),
  status: Type.Unsafe<string>({
    type: 'string',
    enum: ['ok', 'invalid', 'error'],
    description: 'invalid: hostname mismatch, untrusted chain or weak key; error: could not be checked',
  }),
  level: LevelOut,
  daysToExpiry: nullable<number>('integer'),
  notAfter: nullable<string>('string'),
  check: TlsCheckView,
});
export type CertResultView = Static<typeof CertResultView>;

export const CertItemView = Type.Object({
  target: CertTargetView,
  latest: Type.Union([CertResultView, Type.Null()]),
});

export const AcmCertificateView = Type.Object({
  arn: Type.String(),
  domain: Type.String(),
  notAfter: nullable<string>('string'),
  daysToExpiry: nullable<number>('integer'),
  level: LevelOut,
  status: nullable<string>('string'),
  inUse: nullable<boolean>('boolean'),
});

export function targetView(t: CertTarget): CertTargetView {
  return {
    id: t.id,
    host: t.host,
    port: t.port,
    servername: t.servername,
    addedBy: t.addedBy,
    createdAt: t.createdAt,
  };
}

export function resultView(r: CertResult): CertResultView {
  return {
    id: r.id,
    checkedAt: r.checkedAt,
    status: r.status,
    level: r.level,
    daysToExpiry: r.daysToExpiry,
    notAfter: r.notAfter,
    check: r.result,
  };
}

export type AcmCertificateView = Static<typeof AcmCertificateView>;
export type { CertificateStatus };
