/** Writes docs/rules.md from the built-in rules' metadata: `npm run docs:rules`. */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { renderRulesDoc } from '../src/policy/rules-doc.js';
import { builtinRules } from '../src/policy/rules/index.js';

const target = fileURLToPath(new URL('../docs/rules.md', import.meta.url));
writeFileSync(target, renderRulesDoc(builtinRules.map((r) => r.meta)));
process.stdout.write(`wrote ${target} (${builtinRules.length} rules)\n`);
