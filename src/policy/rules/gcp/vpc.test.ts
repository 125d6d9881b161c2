import { describe, expect, it } from 'vitest';
import { outcomes, rulesLackingCases, type RuleCase } from '../azure/testing.js';
import { vpcRules } from './vpc.js';

const cases: RuleCase[] = [
  {
    id: 'OPS-GCP-VPC-001',
    about: 'flow logs on, off, per for_each subnet, and a proxy-only subnet',
    files: {
      'main.tf': `
variable "subnets" {
  default = {
    app = true
    db  = false
  }
}
resource "google_compute_subnetwork" "logged" {
  ip_cidr_range = "10.0.0.0/24"
  log_config {
    aggregation_interval = "INTERVAL_5_SEC"
  }
}
resource "google_compute_subnetwork" "dark" {
  ip_cidr_range = "10.0.1.0/24"
}
resource "google_compute_subnetwork" "each" {
  for_each      = var.subnets
  ip_cidr_range = "10.1.0.0/24"
  dynamic "log_config" {
    for_each = each.value ? [1] : []
    content {
      metadata = "INCLUDE_ALL_METADATA"
    }
  }
}
resource "google_compute_subnetwork" "proxy" {
  ip_cidr_range = "10.2.0.0/24"
  purpose       = "REGIONAL_MANAGED_PROXY"
}`,
    },
    expected: {
      'google_compute_subnetwork.logged': 'pass',
      'google_compute_subnetwork.dark': 'fail',
      'google_compute_subnetwork.each["app"]': 'pass',
      'google_compute_subnetwork.each["db"]': 'fail',
      'google_compute_subnetwork.proxy': 'skip',
    },
  },
];

describe('GCP VPC rules', () => {
  it.each(cases)('$id: $about', async (c) => {
    expect(await outcomes(vpcRules, c)).toEqual(c.expected);
  });

  it('has a passing and a failing resource for every rule', () => {
    expect(rulesLackingCases(vpcRules, cases)).toEqual([]);
  });
});
