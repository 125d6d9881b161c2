import { describe, expect, it } from 'vitest';
import { formatMatcher, matches, parseMatcher } from './matchers.js';
import type { LabelMatcher } from './matchers.js';
import { route } from './routing.js';
import type { RoutingConfig } from './routing.js';

const m = (text: string): LabelMatcher => {
  const r = parseMatcher(text);
  if (!r.ok) throw new Error(r.error);
  return r.value;
};

describe('label matchers (Alertmanager semantics)', () => {
  it.each([
    ['service="api"', { service: 'api' }, true],
    ['service="api"', { service: 'api-2' }, false],
    ['service=api', { service: 'api' }, true],
    ['service!="api"', { service: 'web' }, true],
    ['service!="api"', {}, true],
    ['service=""', {}, true],
    ['service!=""', {}, false],
    ['service=~"api|web"', { service: 'web' }, true],
    ['service=~"api"', { service: 'api-gateway' }, false],
    ['service=~"api.*"', { service: 'api-gateway' }, true],
    ['service=~"pi"', { service: 'api' }, false],
    ['service!~"api|web"', { service: 'db' }, true],
    ['service!~"api|web"', { service: 'api' }, false],
    ['service=~".*"', {}, true],
    ['service=~".+"', {}, false],
    ['summary="a \\"quoted\\" value"', { summary: 'a "quoted" value' }, true],
    // Go's regexp syntax, as Alertmanager's: inline flags.
    ['env=~"(?i)prod"', { env: 'PROD' }, true],
    // Linear-time matching: a backtracking engine takes about 2^40 steps on this one.
    ['a=~"(a+)+$"', { a: `${'a'.repeat(40)}!` }, false],
    ['a!~"(x+x+)+y"', { a: 'x'.repeat(5000) }, true],
  ])('%s against %j is %s', (text, labels, expected) => {
    expect(matches(m(text), labels)).toBe(expected);
  });

  // Look-behind and back-references are JavaScript's syntax, not Go's.
  it.each(['service', '="x"', 'service=="x"', 'service=~"("', '1abc="x"', 'a=~"(?<=a)b"', 'a=~(a)\\1'])(
    'rejects %s',
    (text) => {
      expect(parseMatcher(text).ok).toBe(false);
    },
  );

  it('formats a matcher back to text', () => {
    expect(formatMatcher(m('service=~"api|web"'))).toBe('service=~"api|web"');
  });
});

describe('routing', () => {
  const config: RoutingConfig = {
    defaultServiceId: 'catch-all',
    rules: [
      { serviceId: 'payments-critical', matchers: [m('service="payments"')], severities: ['critical'] },
      { serviceId: 'payments', matchers: [m('service="payments"')] },
      { serviceId: 'databases', matchers: [m('alertname=~"Disk.*|Replication.*"'), m('env!="dev"')] },
      { serviceId: 'azure', matchers: [], sources: ['azure-monitor'] },
    ],
  };

  it.each([
    [{ service: 'payments' }, 'critical', 'alertmanager', 'payments-critical', 0],
    [{ service: 'payments' }, 'warning', 'alertmanager', 'payments', 1],
    [{ alertname: 'DiskFull', env: 'prod' }, 'warning', 'alertmanager', 'databases', 2],
    [{ alertname: 'DiskFull', env: 'dev' }, 'warning', 'alertmanager', 'catch-all', -1],
    [{ alertname: 'ReplicationLag' }, 'info', 'grafana', 'databases', 2],
    [{ alertname: 'x' }, 'info', 'azure-monitor', 'azure', 3],
    [{}, 'error', 'pagerduty', 'catch-all', -1],
  ] as const)('%j (%s from %s) goes to %s', (labels, severity, source, serviceId, ruleIndex) => {
    expect(route(config, { labels, severity, source })).toEqual({
      serviceId,
      ruleIndex,
    });
  });
});
