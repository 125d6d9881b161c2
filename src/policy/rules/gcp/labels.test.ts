import { describe, expect, it } from 'vitest';
import type { TagPolicy } from '../../rule.js';
import { outcomes, rulesLackingCases, type RuleCase } from '../azure/testing.js';
import { labelRules } from './labels.js';

const policy: TagPolicy = {
  required: ['Owner', 'Environment'],
  allowed: { Environment: ['prod', 'dev'] },
  caseSensitive: true,
};

const cases: RuleCase[] = [
  {
    id: 'OPS-GCP-LABELS-001',
    about: 'lowercase labels against a mixed-case policy, missing labels, a bad value, and unknown labels',
    tagPolicy: policy,
    files: {
      'main.tf': `
data "google_project" "p" {}
resource "google_storage_bucket" "labeled" {
  labels = { owner = "team-a", environment = "prod" }
}
resource "google_storage_bucket" "bare" {}
resource "google_compute_instance" "bad_env" {
  labels = { owner = "team-a", environment = "qa" }
}
resource "google_compute_instance" "unknown" {
  labels = data.google_project.p.labels
}`,
    },
    expected: {
      'google_storage_bucket.labeled': 'pass',
      'google_storage_bucket.bare': 'fail',
      'google_compute_instance.bad_env': 'fail:labels',
      'google_compute_instance.unknown': 'unknown',
    },
  },
  {
    id: 'OPS-GCP-LABELS-001',
    about: 'provider default_labels merged under resource labels',
    tagPolicy: policy,
    files: {
      'main.tf': `
provider "google" {
  default_labels = {
    owner       = "platform"
    environment = "dev"
  }
}
resource "google_storage_bucket" "inherits" {}
resource "google_storage_bucket" "overrides" {
  labels = { environment = "staging" }
}`,
    },
    expected: {
      'google_storage_bucket.inherits': 'pass',
      'google_storage_bucket.overrides': 'fail:labels',
    },
  },
];

describe('GCP labelling rules', () => {
  it.each(cases)('$id: $about', async (c) => {
    expect(await outcomes(labelRules, c)).toEqual(c.expected);
  });

  it('has a passing and a failing resource for every rule', () => {
    expect(rulesLackingCases(labelRules, cases)).toEqual([]);
  });
});
