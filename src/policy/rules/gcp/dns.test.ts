import { describe, expect, it } from 'vitest';
import { outcomes, rulesLackingCases, type RuleCase } from '../azure/testing.js';
import { dnsRules } from './dns.js';

const cases: RuleCase[] = [
  {
    id: 'OPS-GCP-DNS-001',
    about: 'DNSSEC on, off by default, explicitly off, and a private zone',
    files: {
      'main.tf': `
resource "google_dns_managed_zone" "signed" {
  dns_name = "example.com."
  dnssec_config {
    state = "on"
  }
}
resource "google_dns_managed_zone" "unsigned" {
  dns_name = "example.org."
}
resource "google_dns_managed_zone" "off" {
  dns_name = "example.net."
  dnssec_config {
    state = "off"
  }
}
resource "google_dns_managed_zone" "internal" {
  dns_name   = "corp.internal."
  visibility = "private"
}`,
    },
    expected: {
      'google_dns_managed_zone.signed': 'pass',
      'google_dns_managed_zone.unsigned': 'fail',
      'google_dns_managed_zone.off': 'fail:dnssec_config.0.state',
      'google_dns_managed_zone.internal': 'skip',
    },
  },
];

describe('GCP Cloud DNS rules', () => {
  it.each(cases)('$id: $about', async (c) => {
    expect(await outcomes(dnsRules, c)).toEqual(c.expected);
  });

  it('has a passing and a failing resource for every rule', () => {
    expect(rulesLackingCases(dnsRules, cases)).toEqual([]);
  });
});
