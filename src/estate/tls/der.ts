/**
 * Just enough DER to read a certificate's outer signatureAlgorithm (Node 20's X509Certificate does
 * not expose it): Certificate ::= SEQUENCE { tbsCertificate, signatureAlgorithm, signatureValue }.
 */

interface Element {
  tag: number;
  /** Offset of the contents. */
  start: number;
  /** Offset just past the contents. */
  end: number;
}

function readElement(buf: Uint8Array, offset: number): Element | undefined {
  if (offset + 2 > buf.length) return undefined;
  const tag = buf[offset]!;
  let len = buf[offset + 1]!;
  let start = offset + 2;
  if (len & 0x80) {
    const n = len & 0x7f;
    if (n === 0 || n > 4 || start + n > buf.length) return undefined;
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + buf[start + i]!;
    start += n;
  }
  const end = start + len;
  if (end > buf.length) return undefined;
  return { tag, start, end };
}

function decodeOid(bytes: Uint8Array): string {
  if (bytes.length === 0) return '';
  const first = bytes[0]!;
  const parts = [Math.min(2, Math.floor(first / 40)), first - Math.min(2, Math.floor(first / 40)) * 40];
  let v = 0;
  for (let i = 1; i < bytes.length; i++) {
    const b = bytes[i]!;
    v = v * 128 + (b & 0x7f);
    if (!(b & 0x80)) {
      parts.push(v);
      v = 0;
    }
  }
  return parts.join('.');
}

const SEQUENCE = 0x30;
const OID = 0x06;

/** The OID of the certificate's signature algorithm, or undefined when the DER is not a certificate. */
export function signatureAlgorithmOid(der: Uint8Array): string | undefined {
  const cert = readElement(der, 0);
  if (!cert || cert.tag !== SEQUENCE) return undefined;
  const tbs = readElement(der, cert.start);
  if (!tbs || tbs.tag !== SEQUENCE) return undefined;
  const alg = readElement(der, tbs.end);
  if (!alg || alg.tag !== SEQUENCE) return undefined;
  const oid = readElement(der, alg.start);
  if (!oid || oid.tag !== OID) return undefined;
  return decodeOid(der.subarray(oid.start, oid.end));
}

const SIGNATURE_ALGORITHMS: Record<string, string> = {
  '1.2.840.113549.1.1.2': 'md2WithRSAEncryption',
  '1.2.840.113549.1.1.4': 'md5WithRSAEncryption',
  '1.2.840.113549.1.1.5': 'sha1WithRSAEncryption',
  '1.2.840.113549.1.1.10': 'rsassaPss',
  '1.2.840.113549.1.1.11': 'sha256WithRSAEncryption',
  '1.2.840.113549.1.1.12': 'sha384WithRSAEncryption',
  '1.2.840.113549.1.1.13': 'sha512WithRSAEncryption',
  '1.2.840.113549.1.1.14': 'sha224WithRSAEncryption',
  '1.2.840.10040.4.3': 'dsaWithSHA1',
  '1.2.840.10045.4.1': 'ecdsaWithSHA1',
  '1.2.840.10045.4.3.1': 'ecdsaWithSHA224',
  '1.2.840.10045.4.3.2': 'ecdsaWithSHA256',
  '1.2.840.10045.4.3.3': 'ecdsaWithSHA384',
  '1.2.840.10045.4.3.4': 'ecdsaWithSHA512',
  '1.3.101.112': 'Ed25519',
  '1.3.101.113': 'Ed448',
};

/** Readable name of a signature algorithm OID (the OID itself when unknown). */
export function signatureAlgorithmName(oid: string): string {
  return SIGNATURE_ALGORITHMS[oid] ?? oid;
}

/** MD2, MD5 and SHA-1 signatures: collisions are practical, browsers reject them. */
export function isWeakSignature(name: string): boolean {
  return /^(md2|md5|sha1|dsaWithSHA1|ecdsaWithSHA1)/i.test(name);
}
