import { describe, expect, it } from 'vitest';
import { outcomes, type RuleCase } from './test-kit.js';

const instance = (name: string, body = '') =>
  `resource "aws_instance" "${name}" {\n  ami           = "ami-123"\n  instance_type = "t3.micro"\n${body}}\n`;

const cases: RuleCase[] = [
  {
    rule: 'OPS-AWS-EC2-001',
    name: 'encrypted, unencrypted, default and snapshot-based volumes',
    files: {
      'main.tf': `
resource "aws_ebs_volume" "ok" {
  availability_zone = "eu-west-1a"
  size              = 10
  encrypted         = true
}
resource "aws_ebs_volume" "bad" {
  availability_zone = "eu-west-1a"
  size              = 10
  encrypted         = false
}
resource "aws_ebs_volume" "absent" {
  availability_zone = "eu-west-1a"
  size              = 10
}
resource "aws_ebs_volume" "snap" {
  availability_zone = "eu-west-1a"
  snapshot_id       = "snap-1"
}`,
    },
    expect: {
      'aws_ebs_volume.ok': 'pass',
      'aws_ebs_volume.bad': 'fail:encrypted',
      'aws_ebs_volume.absent': 'fail:',
      'aws_ebs_volume.snap': 'unknown',
    },
  },
  {
    rule: 'OPS-AWS-EC2-001',
    name: 'encryption by default in the same configuration covers volumes',
    files: {
      'main.tf': `
resource "aws_ebs_encryption_by_default" "on" { enabled = true }
resource "aws_ebs_volume" "v" {
  availability_zone = "eu-west-1a"
  size              = 10
}`,
    },
    expect: { 'aws_ebs_volume.v': 'pass' },
  },
  {
    rule: 'OPS-AWS-EC2-002',
    name: 'encryption by default on (the default) and off',
    files: {
      'main.tf':
        'resource "aws_ebs_encryption_by_default" "ok" {}\nresource "aws_ebs_encryption_by_default" "bad" {\n  enabled = false\n}\n',
    },
    expect: {
      'aws_ebs_encryption_by_default.ok': 'pass',
      'aws_ebs_encryption_by_default.bad': 'fail:enabled',
    },
  },
  {
    rule: 'OPS-AWS-EC2-003',
    name: 'instance root and EBS devices',
    files: {
      'main.tf':
        instance('ok', '  root_block_device {\n    encrypted = true\n  }\n') +
        instance(
          'bad',
          '  root_block_device {\n    encrypted = true\n  }\n  ebs_block_device {\n    device_name = "/dev/sdb"\n    encrypted   = false\n  }\n',
        ) +
        instance('noroot'),
    },
    expect: {
      'aws_instance.ok': 'pass',
      'aws_instance.bad': 'fail:ebs_block_device.0.encrypted',
      'aws_instance.noroot': 'fail:',
    },
  },
  {
    rule: 'OPS-AWS-EC2-004',
    name: 'IMDSv2 required, optional, absent, and endpoint disabled',
    files: {
      'main.tf':
        instance('ok', '  metadata_options {\n    http_tokens = "required"\n  }\n') +
        instance('optional', '  metadata_options {\n    http_tokens = "optional"\n  }\n') +
        instance('absent') +
        instance('off', '  metadata_options {\n    http_endpoint = "disabled"\n  }\n'),
    },
    expect: {
      'aws_instance.ok': 'pass',
      'aws_instance.optional': 'fail:metadata_options.0.http_tokens',
      'aws_instance.absent': 'fail:',
      'aws_instance.off': 'pass',
    },
  },
  {
    rule: 'OPS-AWS-EC2-005',
    name: 'launch template metadata options from a local',
    files: {
      'main.tf': `
locals { tokens = "optional" }
resource "aws_launch_template" "bad" {
  name = "bad"
  metadata_options { http_tokens = local.tokens }
}
resource "aws_launch_template" "ok" {
  name = "ok"
  metadata_options { http_tokens = "required" }
}`,
    },
    expect: {
      'aws_launch_template.bad': 'fail:metadata_options.0.http_tokens',
      'aws_launch_template.ok': 'pass',
    },
  },
  {
    rule: 'OPS-AWS-EC2-006',
    name: 'public IPs on instances and launch template interfaces',
    files: {
      'main.tf':
        instance('bad', '  associate_public_ip_address = true\n') +
        instance('ok') +
        `resource "aws_launch_template" "bad" {
  name = "lt"
  network_interfaces { associate_public_ip_address = true }
}`,
    },
    expect: {
      'aws_instance.bad': 'fail:associate_public_ip_address',
      'aws_instance.ok': 'pass',
      'aws_launch_template.bad': 'fail:network_interfaces.0.associate_public_ip_address',
    },
  },
  {
    rule: 'OPS-AWS-EC2-007',
    name: 'launch template block devices encrypted or not',
    files: {
      'main.tf': `
resource "aws_launch_template" "ok" {
  name = "ok"
  block_device_mappings {
    device_name = "/dev/xvda"
    ebs {
      volume_size = 20
      encrypted   = "true"
    }
  }
}
resource "aws_launch_template" "bad" {
  name = "bad"
  block_device_mappings {
    device_name = "/dev/xvda"
    ebs { volume_size = 20 }
  }
}
resource "aws_launch_template" "none" { name = "none" }`,
    },
    expect: {
      'aws_launch_template.ok': 'pass',
      'aws_launch_template.bad': 'fail:block_device_mappings.0.ebs.0.encrypted',
      'aws_launch_template.none': 'skip',
    },
  },
  {
    rule: 'OPS-AWS-EC2-008',
    name: 'detailed monitoring on and off',
    files: { 'main.tf': instance('ok', '  monitoring = true\n') + instance('bad') },
    expect: { 'aws_instance.ok': 'pass', 'aws_instance.bad': 'fail:monitoring' },
  },
  {
    rule: 'OPS-AWS-EC2-009',
    name: 'snapshots of encrypted and unencrypted volumes, and copies',
    files: {
      'main.tf': `
resource "aws_ebs_volume" "enc" {
  availability_zone = "eu-west-1a"
  size              = 1
  encrypted         = true
}
resource "aws_ebs_volume" "plain" {
  availability_zone = "eu-west-1a"
  size              = 1
}
resource "aws_ebs_snapshot" "ok" { volume_id = aws_ebs_volume.enc.id }
resource "aws_ebs_snapshot" "bad" { volume_id = aws_ebs_volume.plain.id }
resource "aws_ebs_snapshot_copy" "bad" {
  source_snapshot_id = "snap-1"
  source_region      = "eu-west-1"
}`,
    },
    expect: {
      'aws_ebs_snapshot.ok': 'pass',
      'aws_ebs_snapshot.bad': 'fail:volume_id',
      'aws_ebs_snapshot_copy.bad': 'fail:encrypted',
    },
  },
  {
    rule: 'OPS-AWS-EC2-010',
    name: 'AMI devices and AMI copies',
    files: {
      'main.tf': `
resource "aws_ami" "bad" {
  name = "img"
  ebs_block_device {
    device_name = "/dev/xvda"
    volume_size = 8
  }
}
resource "aws_ami_copy" "ok" {
  name              = "copy"
  source_ami_id     = "ami-1"
  source_ami_region = "eu-west-1"
  encrypted         = true
}`,
    },
    expect: { 'aws_ami.bad': 'fail:ebs_block_device.0.encrypted', 'aws_ami_copy.ok': 'pass' },
  },
  {
    rule: 'OPS-AWS-EC2-011',
    name: 'user data with an access key, base64-encoded password, and a clean script',
    files: {
      'main.tf':
        instance('bad', '  user_data = "export AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE"\n') +
        instance('ok', '  user_data = "#!/bin/bash\\nyum install -y nginx"\n') +
        `resource "aws_launch_template" "b64" {
  name      = "lt"
  user_data = base64encode("#!/bin/bash\\nDB_PASSWORD=hunter2hunter2")
}`,
    },
    expect: {
      'aws_instance.bad': 'fail:user_data',
      'aws_instance.ok': 'pass',
      'aws_launch_template.b64': 'fail:user_data',
    },
  },
];

describe('EC2 and EBS rules', () => {
  it.each(cases)('$rule: $name', async (c) => {
    expect(await outcomes(c)).toEqual(c.expect);
  });
});
