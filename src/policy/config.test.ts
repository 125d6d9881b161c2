import { describe, expect, it } from 'vitest';
import { OpsdeckError } from '../core/errors.js';
import { isExcluded, parseConfig } from './config.js';

describe('parseConfig', () => {
  it('reads every section of .opsdeck.yaml', () => {
    const c = parseConfig(
      [
        'severity_threshold: medium',
        'rules:',
        '  enable: [encryption, OPS-AWS-S3-001]',
        '  disable: [cost]',
        '  severity: { OPS-AWS-S3-004: high }',
        'tag_policy:',
        '  required: [Owner]',
        '  allowed: { Environment: [prod, dev] }',
        '  case_sensitive: true',
        'exclude: ["legacy/**"]',
      ].join('\n'),
      '.opsdeck.yaml',
    );
    expect(c).toEqual({
      severityThreshold: 'medium',
      enable: ['encryption', 'OPS-AWS-S3-001'],
      disable: ['cost'],
      severityOverrides: { 'OPS-AWS-S3-004': 'high' },
      tagPolicy: { required: ['Owner'], allowed: { Environment: ['prod', 'dev'] }, caseSensitive: true },
      exclude: ['legacy/**'],
    });
  });

  it('accepts an empty file', () => {
    expect(parseConfig('', '.opsdeck.yaml').enable).toEqual([]);
  });

  it('reports every bad key at once with its path', () => {
    let err: unknown;
    try {
      parseConfig(
        [
          'severity_threshold: urgent',
          'rules:',
          '  enabel: [x]',
          'tag_policy:',
          '  case_sensitive: maybe',
          'colour: red',
        ].join('\n'),
        '.opsdeck.yaml',
      );
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(OpsdeckError);
    const e = err as OpsdeckError;
    expect(e.code).toBe('OPSDECK_E_CONFIG_INVALID');
    expect(e.details.map((d) => d.path)).toEqual(
      expect.arrayContaining([
        '.opsdeck.yaml: severity_threshold',
        '.opsdeck.yaml: rules.enabel',
        '.opsdeck.yaml: tag_policy.case_sensitive',
        '.opsdeck.yaml: colour',
      ]),
    );
    expect(e.details).toHaveLength(4);
  });

  it('reports YAML syntax errors with file:line:col', () => {
    expect(() => parseConfig('rules:\n  enable: [a\n', 'x.yaml')).toThrow(OpsdeckError);
    try {
      parseConfig('rules:\n  enable: [a\n', 'x.yaml');
    } catch (e) {
      expect((e as OpsdeckError).details[0]?.path).toMatch(/^x\.yaml:\d+:\d+$/);
    }
  });
});

describe('isExcluded', () => {
  it.each([
    { path: 'legacy/main.tf', glob: 'legacy/**', out: true },
    { path: 'legacy/a/b.tf', glob: 'legacy', out: true },
    { path: 'a/test/x.tf', glob: '**/test/**', out: true },
    { path: 'test/x.tf', glob: '**/test/**', out: true },
    { path: 'src/main.tf', glob: '*.tf', out: false },
    { path: 'main.tf', glob: '*.tf', out: true },
    { path: 'modules/x', glob: 'modules/?', out: true },
  ])('matches $path against $glob: $out', ({ path, glob, out }) => {
    expect(isExcluded(path, [glob])).toBe(out);
  });
});
