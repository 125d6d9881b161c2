import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CONFIG_KEYS } from './keys.js';

const doc = readFileSync(new URL('../../docs/configuration.md', import.meta.url), 'utf8');

describe('docs/configuration.md', () => {
  it.each(CONFIG_KEYS.map((k) => [k.yaml.join('.'), k.env]))('documents %s and %s', (yamlKey, env) => {
    expect(doc).toContain(`| \`${yamlKey}\` | \`${env}\` |`);
  });
});
