import { describe, expect, it } from 'vitest';
import { parseTfJson } from './json-syntax.js';

const SRC = `{
  "//": "opsdeck:ignore AWS_S3_VERSIONING demo bucket",
  "resource": {
    "aws_s3_bucket": {
      "logs": {
        "bucket": "logs-\${var.env}",
        "tags": { "Owner": "team-a" },
        "versioning": { "enabled": true },
        "depends_on": ["aws_kms_key.k"],
        "count": 2
      }
    }
  },
  "variable": { "env": { "type": "string", "default": { "a": 1 } } },
  "provider": { "aws": [{ "region": "us-east-1" }, { "alias": "west", "region": "us-west-2" }] },
  "locals": { "name": "x\\ty" },
  "terraform": { "required_version": ">= 1.5", "backend": { "s3": { "bucket": "state" } } }
}
`;

describe('parseTfJson', () => {
  const r = parseTfJson(SRC, 'main.tf.json');

  it('maps top-level keys to blocks with Terraform label counts', () => {
    expect(r.diagnostics).toEqual([]);
    expect(r.file.body.blocks.map((b) => [b.type, ...b.labels])).toEqual([
      ['resource', 'aws_s3_bucket', 'logs'],
      ['variable', 'env'],
      ['provider', 'aws'],
      ['provider', 'aws'],
      ['locals'],
      ['terraform'],
    ]);
  });

  it('keeps map arguments as arguments and makes other objects nested blocks', () => {
    const res = r.file.body.blocks[0]!;
    expect(res.body.attributes.map((a) => a.name)).toEqual(['bucket', 'tags', 'depends_on', 'count']);
    expect(res.body.blocks.map((b) => b.type)).toEqual(['versioning']);
    const tf = r.file.body.blocks[5]!;
    expect(tf.body.blocks.map((b) => [b.type, ...b.labels])).toEqual([['backend', 's3']]);
    const variable = r.file.body.blocks[1]!;
    expect(variable.body.attributes.map((a) => [a.name, a.expr.kind])).toEqual([
      ['type', 'Variable'],
      ['default', 'Object'],
    ]);
  });

  it('parses "${...}" strings as templates and depends_on strings as expressions', () => {
    const res = r.file.body.blocks[0]!;
    const bucket = res.body.attributes[0]!.expr;
    expect(bucket).toMatchObject({
      kind: 'Template',
      parts: [
        { kind: 'TemplateLiteral', value: 'logs-' },
        {
          kind: 'TemplateInterp',
          expr: { kind: 'GetAttr', name: 'env', object: { kind: 'Variable', name: 'var' } },
        },
      ],
    });
    expect(res.body.attributes[2]!.expr).toMatchObject({
      kind: 'Tuple',
      items: [{ kind: 'GetAttr', name: 'k', object: { kind: 'Variable', name: 'aws_kms_key' } }],
    });
  });

  it('gives ranges from the JSON text, through escapes', () => {
    const res = r.file.body.blocks[0]!;
    // A block's range starts at its innermost label key, where Terraform reports it.
    expect(res.range.start).toMatchObject({ line: 5, column: 7 });
    expect(res.typeRange.start).toMatchObject({ line: 3, column: 3 });
    const bucket = res.body.attributes[0]!;
    expect(bucket.nameRange.start).toMatchObject({ line: 6, column: 9 });
    if (bucket.expr.kind !== 'Template') throw new Error('expected a template');
    const interp = bucket.expr.parts[1]!;
    expect(interp.range.start).toMatchObject({ line: 6, column: 25 });
    expect(SRC.slice(interp.range.start.offset, interp.range.end.offset)).toBe('${var.env}');
    const locals = r.file.body.blocks[4]!;
    expect(locals.body.attributes[0]!.expr).toMatchObject({ parts: [{ value: 'x\ty' }] });
  });

  it('keeps "//" keys as comments', () => {
    expect(r.file.comments).toEqual([
      expect.objectContaining({ style: '//', text: 'opsdeck:ignore AWS_S3_VERSIONING demo bucket' }),
    ]);
    expect(r.file.comments[0]!.range.start).toMatchObject({ line: 2, column: 3 });
  });

  it.each([
    ['{\n  "a": [1, 2,\n}', 'Invalid JSON syntax', 3, 1],
    ['{"resource": {}} x', 'Extraneous data after value', 1, 18],
    ['{"a": tru}', 'Invalid JSON keyword', 1, 7],
    ['{"a" 1}', 'Missing property value colon', 1, 6],
    ['{"a": "x', 'Unterminated string', 1, 7],
    ['[1]', 'Invalid JSON configuration', 1, 1],
    ['{"resource": {"t": {"n": {"a": "${x +}"}}}}', 'Invalid expression', 1, 38],
    ['', 'Missing value', 1, 1],
  ])('reports %j as %s at %i:%i', (src, summary, line, column) => {
    const d = parseTfJson(src, 'bad.tf.json').diagnostics[0];
    expect(d).toBeDefined();
    expect(d!.summary).toBe(summary);
    expect([d!.range.start.line, d!.range.start.column]).toEqual([line, column]);
  });

  it('caps nesting depth', () => {
    const r2 = parseTfJson(`{"locals": {"a": ${'['.repeat(10_000)}${']'.repeat(10_000)}}}`, 'deep.tf.json');
    expect(r2.diagnostics.map((d) => d.summary)).toEqual(['Nesting too deep']);
  });
});
