import { describe, expect, it } from 'vitest';
import { outcomes, rulesLackingCases, type RuleCase } from '../azure/testing.js';
import { firewallRules } from './firewall.js';

const files = {
  'main.tf': `
variable "open_ports" {
  default = ["22", "8000-9000"]
}
data "google_compute_network" "n" {
  name = "default"
}
resource "google_compute_firewall" "ssh_world" {
  network       = "default"
  source_ranges = ["0.0.0.0/0"]
  allow {
    protocol = "tcp"
    ports    = ["22"]
  }
}
resource "google_compute_firewall" "iap_only" {
  network       = "default"
  source_ranges = ["35.235.240.0/20"]
  allow {
    protocol = "tcp"
    ports    = ["22", "3389"]
  }
}
resource "google_compute_firewall" "dynamic_allow" {
  network       = "default"
  source_ranges = ["::/0"]
  dynamic "allow" {
    for_each = var.open_ports
    content {
      protocol = "tcp"
      ports    = [allow.value]
    }
  }
}
resource "google_compute_firewall" "rdp_range" {
  network       = "default"
  source_ranges = ["10.0.0.0/8", "0.0.0.0/0"]
  allow {
    protocol = "tcp"
    ports    = ["3000-4000"]
  }
}
resource "google_compute_firewall" "all_tcp" {
  network       = "default"
  source_ranges = ["0.0.0.0/0"]
  allow {
    protocol = "tcp"
  }
}
resource "google_compute_firewall" "disabled_all" {
  network       = "default"
  disabled      = true
  source_ranges = ["0.0.0.0/0"]
  allow {
    protocol = "all"
  }
}
resource "google_compute_firewall" "egress" {
  network            = "default"
  direction          = "EGRESS"
  destination_ranges = ["0.0.0.0/0"]
  allow {
    protocol = "all"
  }
}
resource "google_compute_firewall" "unknown_source" {
  network       = "default"
  source_ranges = [data.google_compute_network.n.gateway_ipv4]
  allow {
    protocol = "all"
  }
}
`,
};

const cases: RuleCase[] = [
  {
    id: 'OPS-GCP-FIREWALL-001',
    about:
      'SSH from 0.0.0.0/0 and ::/0 (dynamic allow blocks), IAP, port-less tcp, disabled, egress and unknown',
    files,
    expected: {
      'google_compute_firewall.ssh_world': 'fail:allow.0',
      'google_compute_firewall.iap_only': 'pass',
      'google_compute_firewall.dynamic_allow': 'fail:allow.0',
      'google_compute_firewall.rdp_range': 'pass',
      'google_compute_firewall.all_tcp': 'fail:allow.0',
      'google_compute_firewall.disabled_all': 'pass',
      'google_compute_firewall.egress': 'pass',
      'google_compute_firewall.unknown_source': 'unknown',
    },
  },
  {
    id: 'OPS-GCP-FIREWALL-002',
    about: 'RDP through a port range, port-less tcp, and not through SSH-only rules',
    files,
    expected: {
      'google_compute_firewall.ssh_world': 'pass',
      'google_compute_firewall.iap_only': 'pass',
      'google_compute_firewall.dynamic_allow': 'pass',
      'google_compute_firewall.rdp_range': 'fail:allow.0',
      'google_compute_firewall.all_tcp': 'fail:allow.0',
      'google_compute_firewall.disabled_all': 'pass',
      'google_compute_firewall.egress': 'pass',
      'google_compute_firewall.unknown_source': 'unknown',
    },
  },
  {
    id: 'OPS-GCP-FIREWALL-003',
    about: 'all ports through a port-less tcp allow, but not a disabled rule',
    files,
    expected: {
      'google_compute_firewall.ssh_world': 'pass',
      'google_compute_firewall.iap_only': 'pass',
      'google_compute_firewall.dynamic_allow': 'pass',
      'google_compute_firewall.rdp_range': 'pass',
      'google_compute_firewall.all_tcp': 'fail:allow.0',
      'google_compute_firewall.disabled_all': 'pass',
      'google_compute_firewall.egress': 'pass',
      'google_compute_firewall.unknown_source': 'unknown',
    },
  },
];

describe('GCP firewall rules', () => {
  it.each(cases)('$id: $about', async (c) => {
    expect(await outcomes(firewallRules, c)).toEqual(c.expected);
  });

  it('has a passing and a failing resource for every rule', () => {
    expect(rulesLackingCases(firewallRules, cases)).toEqual([]);
  });
});
