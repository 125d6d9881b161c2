import { describe, expect, it } from 'vitest';
import { outcomes, rulesLackingCases, type RuleCase } from '../azure/testing.js';
import { computeRules } from './compute.js';

const cases: RuleCase[] = [
  {
    id: 'OPS-GCP-COMPUTE-001',
    about: 'external IPs through access_config, a dynamic block turned off, and a template',
    files: {
      'main.tf': `
variable "public" {
  default = false
}
resource "google_compute_instance" "public" {
  network_interface {
    network = "default"
    access_config {}
  }
}
resource "google_compute_instance" "private" {
  network_interface {
    network = "default"
  }
}
resource "google_compute_instance" "dynamic" {
  network_interface {
    network = "default"
    dynamic "access_config" {
      for_each = var.public ? [1] : []
      content {}
    }
  }
}
resource "google_compute_instance_template" "tpl" {
  network_interface {
    network = "default"
    access_config {
      network_tier = "PREMIUM"
    }
  }
}`,
    },
    expected: {
      'google_compute_instance.public': 'fail:network_interface.0.access_config',
      'google_compute_instance.private': 'pass',
      'google_compute_instance.dynamic': 'pass',
      'google_compute_instance_template.tpl': 'fail:network_interface.0.access_config',
    },
  },
  {
    id: 'OPS-GCP-COMPUTE-002',
    about: 'Shielded VM with secure boot, absent, and vTPM turned off',
    files: {
      'main.tf': `
resource "google_compute_instance" "shielded" {
  shielded_instance_config {
    enable_secure_boot = true
  }
}
resource "google_compute_instance" "absent" {}
resource "google_compute_instance" "no_vtpm" {
  shielded_instance_config {
    enable_secure_boot = true
    enable_vtpm        = false
  }
}`,
    },
    expected: {
      'google_compute_instance.shielded': 'pass',
      'google_compute_instance.absent': 'fail',
      'google_compute_instance.no_vtpm': 'fail:shielded_instance_config.0.enable_vtpm',
    },
  },
  {
    id: 'OPS-GCP-COMPUTE-003',
    about: 'OS Login left to the project, turned off, and unknown metadata',
    files: {
      'main.tf': `
data "google_compute_instance" "other" {
  name = "x"
}
resource "google_compute_instance" "inherits" {}
resource "google_compute_instance" "off" {
  metadata = {
    enable-oslogin = "FALSE"
  }
}
resource "google_compute_instance" "unknown" {
  metadata = data.google_compute_instance.other.metadata
}`,
    },
    expected: {
      'google_compute_instance.inherits': 'pass',
      'google_compute_instance.off': 'fail:metadata.enable-oslogin',
      'google_compute_instance.unknown': 'unknown',
    },
  },
  {
    id: 'OPS-GCP-COMPUTE-004',
    about: 'project metadata with and without OS Login, and metadata items',
    files: {
      'main.tf': `
resource "google_compute_project_metadata" "on" {
  metadata = {
    enable-oslogin = "TRUE"
  }
}
resource "google_compute_project_metadata" "off" {
  metadata = {
    foo = "bar"
  }
}
resource "google_compute_project_metadata_item" "oslogin" {
  key   = "enable-oslogin"
  value = "FALSE"
}
resource "google_compute_project_metadata_item" "other" {
  key   = "startup-script"
  value = "echo hi"
}`,
    },
    expected: {
      'google_compute_project_metadata.on': 'pass',
      'google_compute_project_metadata.off': 'fail:metadata',
      'google_compute_project_metadata_item.oslogin': 'fail:value',
      'google_compute_project_metadata_item.other': 'skip',
    },
  },
  {
    id: 'OPS-GCP-COMPUTE-005',
    about: 'serial port off by default, on, and from a module input',
    files: {
      'main.tf': `
resource "google_compute_instance" "default" {}
resource "google_compute_instance" "serial" {
  metadata = {
    serial-port-enable = "TRUE"
  }
}
module "vm" {
  source = "./modules/vm"
  serial = "1"
}`,
      'modules/vm/main.tf': `
variable "serial" {}
resource "google_compute_instance" "this" {
  metadata = {
    serial-port-enable = var.serial
  }
}`,
    },
    expected: {
      'google_compute_instance.default': 'pass',
      'google_compute_instance.serial': 'fail:metadata.serial-port-enable',
      'module.vm.google_compute_instance.this': 'fail:metadata.serial-port-enable',
    },
  },
  {
    id: 'OPS-GCP-COMPUTE-006',
    about: 'project SSH keys blocked, accepted, and irrelevant under OS Login',
    files: {
      'main.tf': `
resource "google_compute_instance" "blocked" {
  metadata = {
    block-project-ssh-keys = true
  }
}
resource "google_compute_instance" "accepted" {
  metadata = {
    foo = "bar"
  }
}
resource "google_compute_instance" "oslogin" {
  metadata = {
    enable-oslogin = "TRUE"
  }
}
resource "google_compute_instance" "bare" {}`,
    },
    expected: {
      'google_compute_instance.blocked': 'pass',
      'google_compute_instance.accepted': 'fail:metadata',
      'google_compute_instance.oslogin': 'pass',
      'google_compute_instance.bare': 'fail',
    },
  },
  {
    id: 'OPS-GCP-COMPUTE-007',
    about: 'default service account with cloud-platform, a dedicated account, narrow scopes and no account',
    files: {
      'main.tf': `
resource "google_service_account" "app" {
  account_id = "app"
}
resource "google_compute_instance" "default_full" {
  service_account {
    scopes = ["cloud-platform"]
  }
}
resource "google_compute_instance" "default_email_full" {
  service_account {
    email  = "123456789-compute@developer.gserviceaccount.com"
    scopes = ["https://www.googleapis.com/auth/cloud-platform"]
  }
}
resource "google_compute_instance" "dedicated" {
  service_account {
    email  = google_service_account.app.email
    scopes = ["cloud-platform"]
  }
}
resource "google_compute_instance" "narrow" {
  service_account {
    scopes = ["logging-write", "monitoring-write"]
  }
}
resource "google_compute_instance" "none" {}`,
    },
    expected: {
      'google_compute_instance.default_full': 'fail:service_account.0.scopes',
      'google_compute_instance.default_email_full': 'fail:service_account.0.scopes',
      'google_compute_instance.dedicated': 'unknown',
      'google_compute_instance.narrow': 'pass',
      'google_compute_instance.none': 'pass',
    },
  },
  {
    id: 'OPS-GCP-COMPUTE-008',
    about: 'IP forwarding defaulted off and on per count index',
    files: {
      'main.tf': `
resource "google_compute_instance" "default" {}
resource "google_compute_instance" "nat" {
  count          = 2
  can_ip_forward = count.index == 1
}`,
    },
    expected: {
      'google_compute_instance.default': 'pass',
      'google_compute_instance.nat[0]': 'pass',
      'google_compute_instance.nat[1]': 'fail:can_ip_forward',
    },
  },
  {
    id: 'OPS-GCP-COMPUTE-009',
    about: 'a disk with a KMS key and one with Google-managed keys',
    files: {
      'main.tf': `
resource "google_compute_disk" "cmek" {
  disk_encryption_key {
    kms_key_self_link = "projects/p/locations/global/keyRings/r/cryptoKeys/k"
  }
}
resource "google_compute_disk" "gmek" {}`,
    },
    expected: {
      'google_compute_disk.cmek': 'pass',
      'google_compute_disk.gmek': 'fail',
    },
  },
];

describe('GCP Compute Engine rules', () => {
  it.each(cases)('$id: $about', async (c) => {
    expect(await outcomes(computeRules, c)).toEqual(c.expected);
  });

  it('has a passing and a failing resource for every rule', () => {
    expect(rulesLackingCases(computeRules, cases)).toEqual([]);
  });
});
