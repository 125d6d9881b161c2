import { describe, expect, it } from 'vitest';
import { outcomes, rulesLackingCases, type RuleCase } from '../azure/testing.js';
import { gcsRules } from './gcs.js';

const cases: RuleCase[] = [
  {
    id: 'OPS-GCP-GCS-001',
    about: 'uniform access on, defaulted off, and from a module input',
    files: {
      'main.tf': `
resource "google_storage_bucket" "uniform" {
  uniform_bucket_level_access = true
}
resource "google_storage_bucket" "acls" {}
module "b" {
  source  = "./modules/bucket"
  uniform = false
}`,
      'modules/bucket/main.tf': `
variable "uniform" {}
resource "google_storage_bucket" "this" {
  uniform_bucket_level_access = var.uniform
}`,
    },
    expected: {
      'google_storage_bucket.uniform': 'pass',
      'google_storage_bucket.acls': 'fail:uniform_bucket_level_access',
      'module.b.google_storage_bucket.this': 'fail:uniform_bucket_level_access',
    },
  },
  {
    id: 'OPS-GCP-GCS-002',
    about: 'public access prevention enforced, inherited and defaulted',
    files: {
      'main.tf': `
resource "google_storage_bucket" "enforced" {
  public_access_prevention = "enforced"
}
resource "google_storage_bucket" "inherited" {
  public_access_prevention = "inherited"
}
resource "google_storage_bucket" "defaulted" {}`,
    },
    expected: {
      'google_storage_bucket.enforced': 'pass',
      'google_storage_bucket.inherited': 'fail:public_access_prevention',
      'google_storage_bucket.defaulted': 'fail',
    },
  },
  {
    id: 'OPS-GCP-GCS-003',
    about: 'public IAM members and bindings, ACLs, a named group, for_each members and an unknown member',
    files: {
      'main.tf': `
variable "readers" {
  default = ["group:data@example.com", "allAuthenticatedUsers"]
}
resource "google_service_account" "app" {
  account_id = "app"
}
resource "google_storage_bucket_iam_member" "public" {
  bucket = "b"
  role   = "roles/storage.objectViewer"
  member = "allUsers"
}
resource "google_storage_bucket_iam_member" "group" {
  bucket = "b"
  role   = "roles/storage.objectViewer"
  member = "group:data@example.com"
}
resource "google_storage_bucket_iam_member" "each" {
  for_each = toset(var.readers)
  bucket   = "b"
  role     = "roles/storage.objectViewer"
  member   = each.value
}
resource "google_storage_bucket_iam_member" "computed" {
  bucket = "b"
  role   = "roles/storage.objectViewer"
  member = "serviceAccount:\${google_service_account.app.email}"
}
resource "google_storage_bucket_iam_binding" "binding" {
  bucket  = "b"
  role    = "roles/storage.objectViewer"
  members = ["user:a@example.com", "allUsers"]
}
resource "google_storage_bucket_acl" "acl" {
  bucket      = "b"
  role_entity = ["READER:allUsers", "OWNER:user-a@example.com"]
}
resource "google_storage_bucket_access_control" "private" {
  bucket = "b"
  role   = "READER"
  entity = "group-data@example.com"
}`,
    },
    expected: {
      'google_storage_bucket_iam_member.public': 'fail:member',
      'google_storage_bucket_iam_member.group': 'pass',
      'google_storage_bucket_iam_member.each["group:data@example.com"]': 'pass',
      'google_storage_bucket_iam_member.each["allAuthenticatedUsers"]': 'fail:member',
      'google_storage_bucket_iam_member.computed': 'unknown',
      'google_storage_bucket_iam_binding.binding': 'fail:members',
      'google_storage_bucket_acl.acl': 'fail:role_entity',
      'google_storage_bucket_access_control.private': 'pass',
    },
  },
  {
    id: 'OPS-GCP-GCS-004',
    about: 'versioning on, off and absent',
    files: {
      'main.tf': `
resource "google_storage_bucket" "on" {
  versioning {
    enabled = true
  }
}
resource "google_storage_bucket" "off" {
  versioning {
    enabled = false
  }
}
resource "google_storage_bucket" "absent" {}`,
    },
    expected: {
      'google_storage_bucket.on': 'pass',
      'google_storage_bucket.off': 'fail:versioning.0.enabled',
      'google_storage_bucket.absent': 'fail',
    },
  },
  {
    id: 'OPS-GCP-GCS-005',
    about: 'access logging set and absent',
    files: {
      'main.tf': `
resource "google_storage_bucket" "logged" {
  logging {
    log_bucket = "audit-logs"
  }
}
resource "google_storage_bucket" "silent" {}`,
    },
    expected: {
      'google_storage_bucket.logged': 'pass',
      'google_storage_bucket.silent': 'fail',
    },
  },
  {
    id: 'OPS-GCP-GCS-006',
    about: 'a CMEK from a key resource and Google-managed keys',
    files: {
      'main.tf': `
resource "google_kms_crypto_key" "k" {
  name     = "k"
  key_ring = "r"
}
resource "google_storage_bucket" "cmek" {
  encryption {
    default_kms_key_name = google_kms_crypto_key.k.id
  }
}
resource "google_storage_bucket" "gmek" {}`,
    },
    expected: {
      'google_storage_bucket.cmek': 'pass',
      'google_storage_bucket.gmek': 'fail',
    },
  },
];

describe('GCP Cloud Storage rules', () => {
  it.each(cases)('$id: $about', async (c) => {
    expect(await outcomes(gcsRules, c)).toEqual(c.expected);
  });

  it('has a passing and a failing resource for every rule', () => {
    expect(rulesLackingCases(gcsRules, cases)).toEqual([]);
  });
});
