import { describe, expect, it } from 'vitest';
import { outcomes, rulesLackingCases, type RuleCase } from '../azure/testing.js';
import { bigqueryRules } from './bigquery.js';

const cases: RuleCase[] = [
  {
    id: 'OPS-GCP-BIGQUERY-001',
    about: 'access entries for everyone and for a group, separate access and IAM resources',
    files: {
      'main.tf': `
resource "google_bigquery_dataset" "public" {
  dataset_id = "public"
  access {
    role          = "OWNER"
    special_group = "projectOwners"
  }
  access {
    role          = "READER"
    special_group = "allAuthenticatedUsers"
  }
}
resource "google_bigquery_dataset" "team" {
  dataset_id = "team"
  access {
    role           = "READER"
    group_by_email = "analysts@example.com"
  }
}
resource "google_bigquery_dataset_access" "everyone" {
  dataset_id = "team"
  role       = "READER"
  iam_member = "allUsers"
}
resource "google_bigquery_dataset_iam_member" "group" {
  dataset_id = "team"
  role       = "roles/bigquery.dataViewer"
  member     = "group:analysts@example.com"
}
resource "google_bigquery_dataset_iam_binding" "world" {
  dataset_id = "team"
  role       = "roles/bigquery.dataViewer"
  members    = ["allUsers"]
}`,
    },
    expected: {
      'google_bigquery_dataset.public': 'fail:access.1',
      'google_bigquery_dataset.team': 'pass',
      'google_bigquery_dataset_access.everyone': 'fail',
      'google_bigquery_dataset_iam_member.group': 'pass',
      'google_bigquery_dataset_iam_binding.world': 'fail:members',
    },
  },
];

describe('GCP BigQuery rules', () => {
  it.each(cases)('$id: $about', async (c) => {
    expect(await outcomes(bigqueryRules, c)).toEqual(c.expected);
  });

  it('has a passing and a failing resource for every rule', () => {
    expect(rulesLackingCases(bigqueryRules, cases)).toEqual([]);
  });
});
