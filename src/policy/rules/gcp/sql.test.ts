import { describe, expect, it } from 'vitest';
import { outcomes, rulesLackingCases, type RuleCase } from '../azure/testing.js';
import { sqlRules } from './sql.js';

const cases: RuleCase[] = [
  {
    id: 'OPS-GCP-SQL-001',
    about:
      'authorized networks open to the world (dynamic blocks over a map, in key order), private IP only, and an office range',
    files: {
      'main.tf': `
variable "networks" {
  default = {
    office = "203.0.113.0/24"
    anyone = "0.0.0.0/0"
  }
}
resource "google_sql_database_instance" "dynamic" {
  settings {
    ip_configuration {
      dynamic "authorized_networks" {
        for_each = var.networks
        content {
          name  = authorized_networks.key
          value = authorized_networks.value
        }
      }
    }
  }
}
resource "google_sql_database_instance" "private" {
  settings {
    ip_configuration {
      ipv4_enabled    = false
      private_network = "projects/p/global/networks/default"
      authorized_networks {
        value = "0.0.0.0/0"
      }
    }
  }
}
resource "google_sql_database_instance" "office" {
  settings {
    ip_configuration {
      authorized_networks {
        value = "203.0.113.0/24"
      }
    }
  }
}`,
    },
    expected: {
      'google_sql_database_instance.dynamic': 'fail:settings.0.ip_configuration.0.authorized_networks.0',
      'google_sql_database_instance.private': 'pass',
      'google_sql_database_instance.office': 'pass',
    },
  },
  {
    id: 'OPS-GCP-SQL-002',
    about: 'ssl_mode encrypted only, require_ssl on older providers, unencrypted allowed, and defaulted',
    files: {
      'main.tf': `
resource "google_sql_database_instance" "encrypted" {
  settings {
    ip_configuration {
      ssl_mode = "ENCRYPTED_ONLY"
    }
  }
}
resource "google_sql_database_instance" "legacy" {
  settings {
    ip_configuration {
      require_ssl = true
    }
  }
}
resource "google_sql_database_instance" "allowed" {
  settings {
    ip_configuration {
      ssl_mode = "ALLOW_UNENCRYPTED_AND_ENCRYPTED"
    }
  }
}
resource "google_sql_database_instance" "defaulted" {
  settings {}
}`,
    },
    expected: {
      'google_sql_database_instance.encrypted': 'pass',
      'google_sql_database_instance.legacy': 'pass',
      'google_sql_database_instance.allowed': 'fail:settings.0.ip_configuration.0.ssl_mode',
      'google_sql_database_instance.defaulted': 'fail',
    },
  },
  {
    id: 'OPS-GCP-SQL-003',
    about: 'backups on, defaulted off, and a read replica',
    files: {
      'main.tf': `
resource "google_sql_database_instance" "backed_up" {
  settings {
    backup_configuration {
      enabled = true
    }
  }
}
resource "google_sql_database_instance" "none" {
  settings {}
}
resource "google_sql_database_instance" "replica" {
  master_instance_name = google_sql_database_instance.backed_up.name
  settings {}
}`,
    },
    expected: {
      'google_sql_database_instance.backed_up': 'pass',
      'google_sql_database_instance.none': 'fail:settings',
      'google_sql_database_instance.replica': 'skip',
    },
  },
  {
    id: 'OPS-GCP-SQL-004',
    about: 'PostgreSQL connection logging flags set, missing one, and MySQL',
    files: {
      'main.tf': `
resource "google_sql_database_instance" "logged" {
  database_version = "POSTGRES_15"
  settings {
    database_flags {
      name  = "log_connections"
      value = "on"
    }
    database_flags {
      name  = "log_disconnections"
      value = "on"
    }
  }
}
resource "google_sql_database_instance" "half" {
  database_version = "POSTGRES_15"
  settings {
    database_flags {
      name  = "log_connections"
      value = "on"
    }
  }
}
resource "google_sql_database_instance" "mysql" {
  database_version = "MYSQL_8_0"
  settings {}
}`,
    },
    expected: {
      'google_sql_database_instance.logged': 'pass',
      'google_sql_database_instance.half': 'fail:settings.0.database_flags',
      'google_sql_database_instance.mysql': 'skip',
    },
  },
];

describe('GCP Cloud SQL rules', () => {
  it.each(cases)('$id: $about', async (c) => {
    expect(await outcomes(sqlRules, c)).toEqual(c.expected);
  });

  it('has a passing and a failing resource for every rule', () => {
    expect(rulesLackingCases(sqlRules, cases)).toEqual([]);
  });
});
