import type { Alert, Severity } from './alert.js';
import { matchesAll } from './matchers.js';
import type { LabelMatcher } from './matchers.js';

/** A service: the unit that owns alerts and incidents and has an escalation policy. */
export interface Service {
  id: string;
  name: string;
  escalationPolicyId?: string;
  /** Label names that group this service's alerts into incidents (overrides the source group key). */
  groupBy?: string[];
}

/** A routing rule: all matchers (and the severity list, when given) must match. */
export interface RoutingRule {
  serviceId: string;
  matchers: LabelMatcher[];
  severities?: Severity[];
  /** Only alerts from these sources, when given. */
  sources?: Alert['source'][];
}

export interface RoutingConfig {
  rules: RoutingRule[];
  defaultServiceId: string;
}

export interface RouteDecision {
  serviceId: string;
  /** Index of the matching rule; -1 for the default service. */
  ruleIndex: number;
}

/** First matching rule wins; no match goes to the default service. */
export function route(
  config: RoutingConfig,
  alert: Pick<Alert, 'labels' | 'severity' | 'source'>,
): RouteDecision {
  const i = config.rules.findIndex(
    (r) =>
      (r.severities === undefined || r.severities.includes(alert.severity)) &&
      (r.sources === undefined || r.sources.includes(alert.source)) &&
      matchesAll(r.matchers, alert.labels),
  );
  const rule = config.rules[i];
  return rule
    ? { serviceId: rule.serviceId, ruleIndex: i }
    : { serviceId: config.defaultServiceId, ruleIndex: -1 };
}
