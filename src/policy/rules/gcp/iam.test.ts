import { describe, expect, it } from 'vitest';
import { outcomes, rulesLackingCases, type RuleCase } from '../azure/testing.js';
import { iamRules } from './iam.js';

const files = {
  'main.tf': `
variable "admins" {
  default = ["user:alice@example.com"]
}
resource "google_service_account" "ci" {
  account_id = "ci"
}
resource "google_project_iam_member" "owner_user" {
  project = "p"
  role    = "roles/owner"
  member  = "user:alice@example.com"
}
resource "google_project_iam_binding" "editors" {
  project = "p"
  role    = "roles/editor"
  members = var.admins
}
resource "google_project_iam_member" "viewer" {
  project = "p"
  role    = "roles/viewer"
  member  = "allAuthenticatedUsers"
}
resource "google_project_iam_member" "sa_user" {
  project = "p"
  role    = "roles/iam.serviceAccountUser"
  member  = "group:devs@example.com"
}
resource "google_project_iam_member" "sa_user_for_sa" {
  project = "p"
  role    = "roles/iam.serviceAccountUser"
  member  = "serviceAccount:\${google_service_account.ci.email}"
}
resource "google_project_iam_member" "log_writer" {
  project = "p"
  role    = "roles/logging.logWriter"
  member  = "serviceAccount:\${google_service_account.ci.email}"
}
`,
};

const cases: RuleCase[] = [
  {
    id: 'OPS-GCP-IAM-001',
    about: 'Owner to a user, Editor through a binding from a variable, and narrower roles',
    files,
    expected: {
      'google_project_iam_member.owner_user': 'fail:member',
      'google_project_iam_binding.editors': 'fail:members',
      'google_project_iam_member.viewer': 'pass',
      'google_project_iam_member.sa_user': 'pass',
      'google_project_iam_member.sa_user_for_sa': 'pass',
      'google_project_iam_member.log_writer': 'pass',
    },
  },
  {
    id: 'OPS-GCP-IAM-002',
    about: 'Service Account User to a group at project level, and to a service account (computed email)',
    files,
    expected: {
      'google_project_iam_member.owner_user': 'pass',
      'google_project_iam_binding.editors': 'pass',
      'google_project_iam_member.viewer': 'pass',
      'google_project_iam_member.sa_user': 'fail:member',
      'google_project_iam_member.sa_user_for_sa': 'unknown',
      'google_project_iam_member.log_writer': 'pass',
    },
  },
  {
    id: 'OPS-GCP-IAM-003',
    about: 'a user-managed key',
    files: {
      'main.tf': `
resource "google_service_account" "ci" {
  account_id = "ci"
}
resource "google_service_account_key" "ci" {
  service_account_id = google_service_account.ci.name
}`,
    },
    expected: { 'google_service_account_key.ci': 'fail' },
  },
];

describe('GCP IAM rules', () => {
  it.each(cases)('$id: $about', async (c) => {
    expect(await outcomes(iamRules, c)).toEqual(c.expected);
  });

  it('has a failing resource for every rule and a passing one where the rule can pass', () => {
    expect(rulesLackingCases(iamRules, cases)).toEqual(['OPS-GCP-IAM-003']);
  });
});
