import { generateKeyPairSync, createSign } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { isTrustedSnsCertUrl, normalize, snsStringToSign, verifySnsSignature } from './cloudwatch.js';
import type { SnsEnvelope } from './cloudwatch.js';

const text = (name: string): string =>
  readFileSync(new URL(`./__fixtures__/${name}.json`, import.meta.url), 'utf8');
const envelope = (name: string): SnsEnvelope => JSON.parse(text(name)) as SnsEnvelope;

const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const publicPem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
const otherPem = generateKeyPairSync('rsa', { modulusLength: 2048 })
  .publicKey.export({ type: 'spki', format: 'pem' })
  .toString();

function sign(env: SnsEnvelope, version: '1' | '2'): SnsEnvelope {
  const s = createSign(version === '1' ? 'RSA-SHA1' : 'RSA-SHA256');
  s.update(snsStringToSign({ ...env, SignatureVersion: version }));
  return { ...env, SignatureVersion: version, Signature: s.sign(privateKey, 'base64') };
}

describe('SNS string to sign', () => {
  it('lists Notification fields in the documented order, Subject included when present', () => {
    const env = envelope('cloudwatch-firing');
    const lines = snsStringToSign(env).split('\n');
    expect(lines.filter((_, i) => i % 2 === 0).slice(0, 6)).toEqual([
      'Message',
      'MessageId',
      'Subject',
      'Timestamp',
      'TopicArn',
      'Type',
    ]);
    expect(snsStringToSign(env).endsWith('Type\nNotification\n')).toBe(true);
  });

  it('leaves Subject out of a Notification that has none', () => {
    const { Subject: _s, ...env } = envelope('cloudwatch-firing');
    expect(snsStringToSign(env)).not.toContain('Subject\n');
  });

  it('uses SubscribeURL and Token for a SubscriptionConfirmation', () => {
    const e = envelope('cloudwatch-subscription-confirmation');
    expect(snsStringToSign(e)).toBe(
      `Message\n${e.Message}\nMessageId\n${e.MessageId}\nSubscribeURL\n${e.SubscribeURL}\nTimestamp\n${e.Timestamp}\n` +
        `Token\n${e.Token}\nTopicArn\n${e.TopicArn}\nType\nSubscriptionConfirmation\n`,
    );
  });
});

describe('verifySnsSignature', () => {
  it.each([
    ['1', 'cloudwatch-firing'],
    ['2', 'cloudwatch-firing'],
    ['1', 'cloudwatch-subscription-confirmation'],
    ['2', 'cloudwatch-subscription-confirmation'],
  ] as const)('accepts a SignatureVersion %s signature over %s', (version, name) => {
    expect(verifySnsSignature(sign(envelope(name), version), publicPem)).toBe(true);
  });

  it.each([
    ['a changed Message', (e: SnsEnvelope): SnsEnvelope => ({ ...e, Message: `${e.Message} ` })],
    [
      'a changed TopicArn',
      (e: SnsEnvelope): SnsEnvelope => ({ ...e, TopicArn: 'arn:aws:sns:eu-west-1:1:evil' }),
    ],
    ['a changed Subject', (e: SnsEnvelope): SnsEnvelope => ({ ...e, Subject: 'OK' })],
    [
      'a claimed SignatureVersion 2 on a version 1 signature',
      (e: SnsEnvelope): SnsEnvelope => ({ ...e, SignatureVersion: '2' }),
    ],
    ['an unknown SignatureVersion', (e: SnsEnvelope): SnsEnvelope => ({ ...e, SignatureVersion: '3' })],
    ['no signature', ({ Signature: _s, ...e }: SnsEnvelope): SnsEnvelope => e],
    ['a garbage signature', (e: SnsEnvelope): SnsEnvelope => ({ ...e, Signature: 'bm90IGEgc2lnbmF0dXJl' })],
  ])('rejects %s', (_name, tamper) => {
    expect(verifySnsSignature(tamper(sign(envelope('cloudwatch-firing'), '1')), publicPem)).toBe(false);
  });

  it('rejects a signature checked against another key', () => {
    expect(verifySnsSignature(sign(envelope('cloudwatch-firing'), '2'), otherPem)).toBe(false);
  });

  it('rejects a PEM that is not a key', () => {
    expect(verifySnsSignature(sign(envelope('cloudwatch-firing'), '2'), 'not a pem')).toBe(false);
  });
});

describe('isTrustedSnsCertUrl', () => {
  it.each([
    ['https://sns.us-east-1.amazonaws.com/SimpleNotificationService-abc.pem', true],
    ['https://sns.cn-north-1.amazonaws.com.cn/SimpleNotificationService-abc.pem', true],
    ['http://sns.us-east-1.amazonaws.com/SimpleNotificationService-abc.pem', false],
    ['https://sns.us-east-1.amazonaws.com.evil.example/x.pem', false],
    ['https://evil.example/sns.us-east-1.amazonaws.com/x.pem', false],
    ['https://sns.us-east-1.amazonaws.com/SimpleNotificationService-abc.txt', false],
    ['https://user@sns.us-east-1.amazonaws.com/x.pem', false],
    ['https://sns.us-east-1.amazonaws.com:8443/x.pem', false],
    ['https://s3.amazonaws.com/x.pem', false],
    ['not a url', false],
  ])('%s -> %s', (url, expected) => {
    expect(isTrustedSnsCertUrl(url)).toBe(expected);
  });
});

describe('CloudWatch via SNS', () => {
  it('turns a SubscriptionConfirmation into a control message and no alerts', () => {
    const r = normalize(text('cloudwatch-subscription-confirmation'), {
      'x-amz-sns-message-type': 'SubscriptionConfirmation',
    });
    expect(r.ok && r.value.alerts).toEqual([]);
    expect(r.ok && r.value.control).toMatchObject({
      type: 'sns-subscription-confirmation',
      topicArn: 'arn:aws:sns:eu-west-1:123456789012:opsdeck',
    });
  });

  it('keeps alarm dimensions and metric as labels', () => {
    const r = normalize(text('cloudwatch-firing'));
    expect(r.ok && r.value.alerts[0]?.labels).toMatchObject({
      alertname: 'orders-api-5xx',
      metricName: 'HTTPCode_Target_5XX_Count',
      namespace: 'AWS/ApplicationELB',
      dimension_LoadBalancer: 'app/orders/50dc6c495c0c9188',
      account: '123456789012',
    });
  });

  it('fires INSUFFICIENT_DATA with severity info', () => {
    const env = envelope('cloudwatch-firing');
    const alarm = JSON.parse(env.Message) as Record<string, unknown>;
    const r = normalize({
      ...env,
      Message: JSON.stringify({ ...alarm, NewStateValue: 'INSUFFICIENT_DATA' }),
    });
    expect(r.ok && r.value.alerts[0]).toMatchObject({ status: 'firing', severity: 'info' });
  });

  it.each([
    [
      'a Type header that disagrees',
      text('cloudwatch-firing'),
      { 'x-amz-sns-message-type': 'SubscriptionConfirmation' },
      '/Type',
    ],
    ['an unknown Type', JSON.stringify({ Type: 'Other' }), {}, '/Type'],
    [
      'a Message that is not JSON',
      JSON.stringify({ ...envelope('cloudwatch-firing'), Message: 'hello' }),
      {},
      '/Message',
    ],
    [
      'a missing TopicArn',
      JSON.stringify({ ...envelope('cloudwatch-firing'), TopicArn: undefined }),
      {},
      '/TopicArn',
    ],
    [
      'a confirmation without SubscribeURL',
      JSON.stringify({ ...envelope('cloudwatch-subscription-confirmation'), SubscribeURL: undefined }),
      {},
      '/SubscribeURL',
    ],
    [
      'a bad StateChangeTime',
      JSON.stringify({
        ...envelope('cloudwatch-firing'),
        Message: JSON.stringify({ AlarmName: 'a', NewStateValue: 'ALARM', StateChangeTime: 'noon' }),
      }),
      {},
      '/Message/StateChangeTime',
    ],
  ])('rejects %s', (_name, body, headers, path) => {
    const r = normalize(body, headers);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.path).toBe(path);
  });
});
