import { describe, expect, it } from 'vitest';
import { outcomes, rulesLackingCases, type RuleCase } from '../azure/testing.js';
import { gkeRules } from './gke.js';

const cases: RuleCase[] = [
  {
    id: 'OPS-GCP-GKE-001',
    about: 'private nodes on and absent',
    files: {
      'main.tf': `
resource "google_container_cluster" "private" {
  private_cluster_config {
    enable_private_nodes   = true
    master_ipv4_cidr_block = "172.16.0.0/28"
  }
}
resource "google_container_cluster" "public" {}`,
    },
    expected: {
      'google_container_cluster.private': 'pass',
      'google_container_cluster.public': 'fail',
    },
  },
  {
    id: 'OPS-GCP-GKE-002',
    about: 'authorized networks, 0.0.0.0/0, a private endpoint and none',
    files: {
      'main.tf': `
resource "google_container_cluster" "office" {
  master_authorized_networks_config {
    cidr_blocks {
      cidr_block = "203.0.113.0/24"
    }
  }
}
resource "google_container_cluster" "world" {
  master_authorized_networks_config {
    cidr_blocks {
      cidr_block = "0.0.0.0/0"
    }
  }
}
resource "google_container_cluster" "endpoint" {
  private_cluster_config {
    enable_private_nodes    = true
    enable_private_endpoint = true
  }
}
resource "google_container_cluster" "open" {}`,
    },
    expected: {
      'google_container_cluster.office': 'pass',
      'google_container_cluster.world': 'fail:master_authorized_networks_config.0.cidr_blocks.0.cidr_block',
      'google_container_cluster.endpoint': 'pass',
      'google_container_cluster.open': 'fail',
    },
  },
  {
    id: 'OPS-GCP-GKE-003',
    about: 'legacy ABAC defaulted off and turned on',
    files: {
      'main.tf': `
resource "google_container_cluster" "rbac" {}
resource "google_container_cluster" "abac" {
  enable_legacy_abac = true
}`,
    },
    expected: {
      'google_container_cluster.rbac': 'pass',
      'google_container_cluster.abac': 'fail:enable_legacy_abac',
    },
  },
  {
    id: 'OPS-GCP-GKE-004',
    about: 'network policy through Calico, Dataplane V2, Autopilot, and none',
    files: {
      'main.tf': `
resource "google_container_cluster" "calico" {
  network_policy {
    enabled  = true
    provider = "CALICO"
  }
}
resource "google_container_cluster" "dpv2" {
  datapath_provider = "ADVANCED_DATAPATH"
}
resource "google_container_cluster" "autopilot" {
  enable_autopilot = true
}
resource "google_container_cluster" "none" {}`,
    },
    expected: {
      'google_container_cluster.calico': 'pass',
      'google_container_cluster.dpv2': 'pass',
      'google_container_cluster.autopilot': 'pass',
      'google_container_cluster.none': 'fail',
    },
  },
  {
    id: 'OPS-GCP-GKE-005',
    about: 'Workload Identity from a variable, and absent',
    files: {
      'main.tf': `
variable "project" {
  default = "acme-prod"
}
resource "google_container_cluster" "wi" {
  workload_identity_config {
    workload_pool = "\${var.project}.svc.id.goog"
  }
}
resource "google_container_cluster" "node_sa" {}`,
    },
    expected: {
      'google_container_cluster.wi': 'pass',
      'google_container_cluster.node_sa': 'fail',
    },
  },
  {
    id: 'OPS-GCP-GKE-006',
    about: 'logging and monitoring defaulted, logging turned off, and logging_config components empty or set',
    files: {
      'main.tf': `
resource "google_container_cluster" "defaulted" {}
resource "google_container_cluster" "dark" {
  logging_service = "none"
}
resource "google_container_cluster" "components_off" {
  logging_config {
    enable_components = []
  }
}
resource "google_container_cluster" "components_on" {
  logging_config {
    enable_components = ["SYSTEM_COMPONENTS", "WORKLOADS"]
  }
}`,
    },
    expected: {
      'google_container_cluster.defaulted': 'pass',
      'google_container_cluster.dark': 'fail:logging_service',
      'google_container_cluster.components_off': 'fail:logging_config.0.enable_components',
      'google_container_cluster.components_on': 'pass',
    },
  },
  {
    id: 'OPS-GCP-GKE-007',
    about: 'auto-upgrade defaulted, off on a node pool resource, and off on an inline pool',
    files: {
      'main.tf': `
resource "google_container_node_pool" "defaulted" {
  cluster = "c"
}
resource "google_container_node_pool" "pinned" {
  cluster = "c"
  management {
    auto_upgrade = false
  }
}
resource "google_container_cluster" "inline" {
  node_pool {
    name = "default"
    management {
      auto_repair  = true
      auto_upgrade = false
    }
  }
}`,
    },
    expected: {
      'google_container_node_pool.defaulted': 'pass',
      'google_container_node_pool.pinned': 'fail:management.0.auto_upgrade',
      'google_container_cluster.inline': 'fail:node_pool.0.management.0.auto_upgrade',
    },
  },
  {
    id: 'OPS-GCP-GKE-008',
    about: 'shielded nodes defaulted on and turned off',
    files: {
      'main.tf': `
resource "google_container_cluster" "shielded" {}
resource "google_container_cluster" "unshielded" {
  enable_shielded_nodes = false
}`,
    },
    expected: {
      'google_container_cluster.shielded': 'pass',
      'google_container_cluster.unshielded': 'fail:enable_shielded_nodes',
    },
  },
];

describe('GCP GKE rules', () => {
  it.each(cases)('$id: $about', async (c) => {
    expect(await outcomes(gkeRules, c)).toEqual(c.expected);
  });

  it('has a passing and a failing resource for every rule', () => {
    expect(rulesLackingCases(gkeRules, cases)).toEqual([]);
  });
});
