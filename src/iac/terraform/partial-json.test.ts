import { describe, expect, it } from 'vitest';
import { evaluateExpression, evaluateSnippet } from './testing.js';
import { isObjectValue, isUnknown, partialOf, Unknown, type Value } from './value.js';

function run(src: string): Value {
  const { value, diagnostics } = evaluateExpression(src);
  expect(diagnostics, `${src}: ${diagnostics.map((d) => d.detail).join('; ')}`).toEqual([]);
  return value;
}

describe('jsonencode of a value with unknown parts', () => {
  it('is Unknown, as in Terraform, but keeps the known structure as its partial', () => {
    const v = run('jsonencode({ Effect = "Allow", Action = ["s3:GetObject"], Resource = uuid() })');
    expect(isUnknown(v)).toBe(true);
    const p = partialOf(v);
    expect(isObjectValue(p)).toBe(true);
    if (!isObjectValue(p)) return;
    expect(p['Effect']).toBe('Allow');
    expect(p['Action']).toEqual(['s3:GetObject']);
    expect(isUnknown(p['Resource'])).toBe(true);
  });

  it('keeps Unknown leaves deep inside lists and objects', () => {
    const v = run(
      'jsonencode({ Statement = [{ Effect = "Deny", Condition = { StringEquals = { "aws:SourceAccount" = timestamp() } } }] })',
    );
    const p = partialOf(v);
    expect(isObjectValue(p)).toBe(true);
    if (!isObjectValue(p) || !Array.isArray(p['Statement'])) throw new Error('no statement list');
    const st = p['Statement'][0];
    if (!isObjectValue(st) || !isObjectValue(st['Condition'])) throw new Error('no condition');
    expect(st['Effect']).toBe('Deny');
    const eq = st['Condition']['StringEquals'];
    if (!isObjectValue(eq)) throw new Error('no StringEquals');
    expect(isUnknown(eq['aws:SourceAccount'])).toBe(true);
  });

  it.each([
    ['jsonencode(uuid())', 'a wholly unknown argument'],
    ['jsonencode(jsonencode({ a = uuid() }))', 'the text of another partial jsonencode'],
  ])('has no partial for %s (%s)', (src) => {
    const v = run(src);
    expect(isUnknown(v)).toBe(true);
    expect(isUnknown(v) ? v.partial : 'known').toBeUndefined();
  });

  it('still encodes a fully known value to text', () => {
    expect(run('jsonencode({ b = 1, a = "x" })')).toBe('{"a":"x","b":1}');
  });

  it('keeps the partial on a resource attribute whose document refers to a computed attribute', async () => {
    const { resources } = await evaluateSnippet({
      'main.tf': `
resource "aws_s3_bucket" "b" { bucket = "b" }
resource "aws_iam_policy" "p" {
  name   = "p"
  policy = jsonencode({ Statement = [{ Effect = "Allow", Action = "s3:*", Resource = aws_s3_bucket.b.arn }] })
}`,
    });
    const policy = resources.find((r) => r.address === 'aws_iam_policy.p')?.attributes['policy'];
    expect(isUnknown(policy)).toBe(true);
    expect(partialOf(policy ?? null)).toEqual({
      Statement: [{ Effect: 'Allow', Action: 's3:*', Resource: expect.any(Unknown) as unknown }],
    });
  });
});

describe('partialOf', () => {
  it.each<[string, Value, Value]>([
    ['a known value is itself', { a: 1 }, { a: 1 }],
    ['an Unknown without partial is itself', new Unknown('x'), new Unknown('x')],
    ['nested partials are followed', new Unknown('outer', new Unknown('inner', ['k'])), ['k']],
  ])('%s', (_name, v, want) => {
    expect(partialOf(v)).toEqual(want);
  });
});
