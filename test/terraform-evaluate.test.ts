import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { nodeSourceReader } from '../src/iac/node-source-reader.js';
import { loadTerraform, type TerraformResult } from '../src/iac/terraform/index.js';
import { evaluateSnippet } from '../src/iac/terraform/testing.js';
import { isUnknown } from '../src/iac/terraform/value.js';

function byAddress(r: TerraformResult, address: string) {
  const found = r.resources.find((x) => x.address === address);
  expect(found, `${address} in ${r.resources.map((x) => x.address).join(', ')}`).toBeDefined();
  return found!;
}

function errors(r: TerraformResult) {
  return r.diagnostics.filter((d) => d.severity === 'error');
}

describe('variables', () => {
  const files = {
    'main.tf': `
variable "a" { default = "default" }
variable "b" { default = "default" }
variable "c" { default = "default" }
variable "d" { default = "default" }
variable "e" { default = "default" }
variable "f" { default = "default" }
variable "unset" {}
variable "list" {
  type    = list(number)
  default = ["1", 2]
}
variable "obj" {
  type = object({
    name = string
    size = optional(number, 10)
    tags = optional(map(string))
  })
  default = { name = "x" }
}
resource "null_resource" "r" {
  a = var.a
  b = var.b
  c = var.c
  d = var.d
  e = var.e
  f = var.f
  unset = var.unset
  list = var.list
  obj = var.obj
}
`,
    'terraform.tfvars': 'b = "tfvars"\nc = "tfvars"\nd = "tfvars"\ne = "tfvars"\nf = "tfvars"\n',
    'terraform.tfvars.json':
      '{"c": "tfvars.json", "d": "tfvars.json", "e": "tfvars.json", "f": "tfvars.json"}',
    'a.auto.tfvars': 'd = "a.auto"\ne = "a.auto"\nf = "a.auto"\n',
    'b.auto.tfvars.json': '{"e": "b.auto.json", "f": "b.auto.json"}',
    'extra.tfvars': 'f = "var-file"\n',
  };

  it('applies every source in the precedence Terraform documents', async () => {
    const r = await evaluateSnippet(files, {
      env: { TF_VAR_a: 'env', TF_VAR_b: 'env', UNRELATED: 'x' },
      varFiles: ['extra.tfvars'],
    });
    const attrs = byAddress(r, 'null_resource.r').attributes;
    expect(attrs).toMatchObject({
      a: 'env',
      b: 'tfvars',
      c: 'tfvars.json',
      d: 'a.auto',
      e: 'b.auto.json',
      f: 'var-file',
    });
    expect(errors(r)).toEqual([]);
  });

  it('lets -var win over everything and parses complex types as HCL', async () => {
    const r = await evaluateSnippet(files, {
      vars: { f: 'cli', list: '[5, "6"]', obj: '{ name = "y", tags = { a = "b" } }' },
      varFiles: ['extra.tfvars'],
    });
    const attrs = byAddress(r, 'null_resource.r').attributes;
    expect(attrs['f']).toBe('cli');
    expect(attrs['list']).toEqual([5, 6]);
    expect(attrs['obj']).toEqual({ name: 'y', size: 10, tags: { a: 'b' } });
  });

  it('converts defaults to the declared type and fills optional attributes', async () => {
    const r = await evaluateSnippet(files);
    const attrs = byAddress(r, 'null_resource.r').attributes;
    expect(attrs['list']).toEqual([1, 2]);
    expect(attrs['obj']).toEqual({ name: 'x', size: 10, tags: null });
  });

  it('treats a variable with no value anywhere as unknown', async () => {
    const r = await evaluateSnippet(files);
    expect(isUnknown(byAddress(r, 'null_resource.r').attributes['unset'])).toBe(true);
  });

  it('reports a value that does not fit the type', async () => {
    const r = await evaluateSnippet(files, { vars: { list: '["x"]' } });
    expect(errors(r).map((d) => d.summary)).toContain('Invalid value for input variable');
  });
});

describe('locals', () => {
  it('evaluates locals in dependency order regardless of declaration order', async () => {
    const r = await evaluateSnippet({
      'main.tf': `
locals {
  c = "\${local.b}-c"
  b = "\${local.a}-b"
  a = "a"
}
resource "null_resource" "r" { v = local.c }
`,
    });
    expect(byAddress(r, 'null_resource.r').attributes['v']).toBe('a-b-c');
  });

  it('reports a cycle and leaves the values unknown', async () => {
    const r = await evaluateSnippet({
      'main.tf': `
locals {
  a = local.b
  b = local.a
}
resource "null_resource" "r" { v = local.a }
`,
    });
    expect(isUnknown(byAddress(r, 'null_resource.r').attributes['v'])).toBe(true);
    expect(errors(r).map((d) => d.summary)).toContain('Cycle in local values');
  });
});

describe('count and for_each', () => {
  it('prints addresses as Terraform does', async () => {
    const r = await evaluateSnippet({
      'main.tf': `
resource "aws_instance" "w" {
  count = 2
  tags  = { Name = "w-\${count.index}" }
}
resource "aws_s3_bucket" "b" {
  for_each = toset(["logs", "data"])
  bucket   = each.key
}
resource "aws_s3_bucket" "m" {
  for_each = { a = "x", b = "y" }
  bucket   = "\${each.key}-\${each.value}"
}
resource "aws_instance" "none" {
  count = 0
}
`,
    });
    expect(r.resources.map((x) => x.address)).toEqual([
      'aws_instance.w[0]',
      'aws_instance.w[1]',
      'aws_s3_bucket.b["data"]',
      'aws_s3_bucket.b["logs"]',
      'aws_s3_bucket.m["a"]',
      'aws_s3_bucket.m["b"]',
    ]);
    expect(byAddress(r, 'aws_instance.w[1]').attributes['tags']).toEqual({ Name: 'w-1' });
    expect(byAddress(r, 'aws_s3_bucket.m["b"]').attributes['bucket']).toBe('b-y');
  });

  it('evaluates one instance flagged as unknown expansion when count is unknown', async () => {
    const r = await evaluateSnippet({
      'main.tf': `
variable "n" {}
resource "aws_instance" "w" {
  count         = var.n
  instance_type = "t3.micro"
  name          = "w-\${count.index}"
}
`,
    });
    const w = byAddress(r, 'aws_instance.w');
    expect(w.unknownExpansion).toBe(true);
    expect(w.attributes['instance_type']).toBe('t3.micro');
    expect(isUnknown(w.attributes['name'])).toBe(true);
  });
});

describe('blocks', () => {
  it('writes nested blocks as arrays and expands nested dynamic blocks with iterators', async () => {
    const r = await evaluateSnippet({
      'main.tf': `
variable "rules" {
  default = [
    { port = 80, cidrs = ["10.0.0.0/8"] },
    { port = 443, cidrs = ["0.0.0.0/0", "::/0"] },
  ]
}
resource "aws_security_group" "sg" {
  versioning {
    enabled = true
  }
  ingress {
    from_port = 22
  }
  dynamic "ingress" {
    for_each = var.rules
    iterator = rule
    content {
      from_port = rule.value.port
      dynamic "cidr" {
        for_each = rule.value.cidrs
        content {
          block = cidr.value
          index = cidr.key
        }
      }
    }
  }
  lifecycle {
    prevent_destroy = true
  }
}
`,
    });
    const sg = byAddress(r, 'aws_security_group.sg');
    expect(sg.attributes).toEqual({
      versioning: [{ enabled: true }],
      ingress: [
        { from_port: 22 },
        { from_port: 80, cidr: [{ block: '10.0.0.0/8', index: 0 }] },
        {
          from_port: 443,
          cidr: [
            { block: '0.0.0.0/0', index: 0 },
            { block: '::/0', index: 1 },
          ],
        },
      ],
    });
    expect(sg.attributeRanges.get('versioning.0.enabled')?.start.line).toBe(10);
    expect(sg.attributeRanges.has('ingress.2.cidr.1.block')).toBe(true);
    expect(sg.attributeRanges.get('ingress.0')?.start.line).toBe(12);
  });
});

describe('expressions', () => {
  it('evaluates conditionals, templates with directives, for expressions and splats', async () => {
    const r = await evaluateSnippet({
      'main.tf': `
variable "env" { default = "prod" }
variable "names" { default = ["a", "b", "c"] }
locals {
  objs = [{ id = 1 }, { id = 2 }]
}
resource "null_resource" "r" {
  cond  = var.env == "prod" ? "big" : "small"
  tmpl  = "%{ for n in var.names }\${upper(n)}%{ if n != "c" },%{ endif }%{ endfor }"
  heredoc = <<-EOT
    env=\${var.env}
    EOT
  upper = [for n in var.names : upper(n) if n != "b"]
  obj   = { for i, n in var.names : n => i }
  group = { for n in ["a", "b", "a"] : n => n... }
  splat = local.objs[*].id
  legacy = local.objs.0.id
  math  = 1 + 2 * 3 - 4 / 2 % 3
  logic = !(true && false) || false
  ws    = terraform.workspace
  pm    = path.module
}
`,
    });
    expect(byAddress(r, 'null_resource.r').attributes).toEqual({
      cond: 'big',
      tmpl: 'A,B,C',
      heredoc: 'env=prod\n',
      upper: ['A', 'C'],
      obj: { a: 0, b: 1, c: 2 },
      group: { a: ['a', 'a'], b: ['b'] },
      splat: [1, 2],
      legacy: 1,
      math: 5,
      logic: true,
      ws: 'default',
      pm: '.',
    });
    expect(errors(r)).toEqual([]);
  });

  it('reports invalid references with their location and keeps going', async () => {
    const r = await evaluateSnippet({
      'main.tf': `resource "null_resource" "r" {
  a = var.nope
  b = "ok"
}
`,
    });
    expect(byAddress(r, 'null_resource.r').attributes['b']).toBe('ok');
    const d = errors(r)[0];
    expect(d?.summary).toBe('Reference to undeclared input variable');
    expect(d?.range.start.line).toBe(2);
  });
});

describe('references and unknowns', () => {
  it('uses configured attributes of other resources and leaves computed ones unknown', async () => {
    const r = await evaluateSnippet({
      'main.tf': `
resource "aws_s3_bucket" "b" {
  bucket = "logs"
}
data "aws_caller_identity" "me" {}
resource "aws_s3_bucket_policy" "p" {
  bucket  = aws_s3_bucket.b.bucket
  id_ref  = aws_s3_bucket.b.id
  account = data.aws_caller_identity.me.account_id
  now     = timestamp()
}
`,
    });
    const p = byAddress(r, 'aws_s3_bucket_policy.p');
    expect(p.attributes['bucket']).toBe('logs');
    expect(isUnknown(p.attributes['id_ref'])).toBe(true);
    expect(isUnknown(p.attributes['account'])).toBe(true);
    expect(isUnknown(p.attributes['now'])).toBe(true);
    expect(p.references.get('bucket')).toEqual(['aws_s3_bucket.b']);
    expect(p.references.get('account')).toEqual(['data.aws_caller_identity.me']);
    expect(byAddress(r, 'data.aws_caller_identity.me').mode).toBe('data');
  });

  it('follows references through locals', async () => {
    const r = await evaluateSnippet({
      'main.tf': `
resource "aws_kms_key" "k" {}
locals { key = aws_kms_key.k.arn }
resource "aws_s3_bucket" "b" { kms = local.key }
`,
    });
    expect(byAddress(r, 'aws_s3_bucket.b').references.get('kms')).toEqual(['aws_kms_key.k']);
  });
});

describe('providers', () => {
  it('attaches the evaluated provider configuration, honoring aliases and module inheritance', async () => {
    const r = await evaluateSnippet({
      'main.tf': `
provider "aws" {
  region = "eu-west-1"
  default_tags {
    tags = { Team = "ops" }
  }
}
provider "aws" {
  alias  = "east"
  region = "us-east-1"
}
resource "aws_s3_bucket" "a" {}
resource "aws_s3_bucket" "e" {
  provider = aws.east
}
module "m" {
  source = "./m"
}
module "n" {
  source    = "./m"
  providers = { aws = aws.east }
}
`,
      'm/main.tf': 'resource "aws_sqs_queue" "q" {}\n',
    });
    expect(byAddress(r, 'aws_s3_bucket.a').providerConfig).toEqual({
      region: 'eu-west-1',
      default_tags: [{ tags: { Team: 'ops' } }],
    });
    expect(byAddress(r, 'aws_s3_bucket.e').providerConfig).toEqual({ region: 'us-east-1' });
    expect(byAddress(r, 'aws_s3_bucket.e').provider).toBe('aws');
    expect(byAddress(r, 'module.m.aws_sqs_queue.q').providerConfig?.['region']).toBe('eu-west-1');
    expect(byAddress(r, 'module.n.aws_sqs_queue.q').providerConfig?.['region']).toBe('us-east-1');
  });
});

describe('modules', () => {
  const files = {
    'main.tf': `
resource "aws_kms_key" "k" {}
module "bucket" {
  source = "./modules/bucket"
  name   = "logs"
  key    = aws_kms_key.k.arn
}
module "many" {
  source   = "./modules/bucket"
  for_each = toset(["a", "b"])
  name     = each.key
}
module "counted" {
  source = "./modules/bucket"
  count  = 2
  name   = "c\${count.index}"
}
resource "aws_s3_bucket_policy" "p" {
  bucket = module.bucket.name
  arn    = module.bucket.arn
  first  = module.counted[0].name
}
`,
    'modules/bucket/main.tf': `
variable "name" { type = string }
variable "key" { default = null }
resource "aws_s3_bucket" "this" {
  bucket = var.name
  kms    = var.key
}
module "inner" {
  source = "../inner"
  parent = aws_s3_bucket.this.bucket
}
output "name" { value = aws_s3_bucket.this.bucket }
output "arn" { value = aws_s3_bucket.this.arn }
`,
    'modules/inner/main.tf': `
variable "parent" {}
resource "aws_s3_bucket_versioning" "v" {
  bucket = var.parent
}
`,
  };

  it('passes inputs in and outputs back with module addresses', async () => {
    const r = await evaluateSnippet(files);
    expect(errors(r)).toEqual([]);
    expect(byAddress(r, 'module.bucket.aws_s3_bucket.this').attributes['bucket']).toBe('logs');
    expect(byAddress(r, 'module.bucket.aws_s3_bucket.this').modulePath).toEqual(['module.bucket']);
    expect(byAddress(r, 'module.bucket.module.inner.aws_s3_bucket_versioning.v').attributes['bucket']).toBe(
      'logs',
    );
    expect(byAddress(r, 'module.many["a"].aws_s3_bucket.this').attributes['bucket']).toBe('a');
    expect(byAddress(r, 'module.counted[1].aws_s3_bucket.this').attributes['bucket']).toBe('c1');
    const p = byAddress(r, 'aws_s3_bucket_policy.p');
    expect(p.attributes['bucket']).toBe('logs');
    expect(isUnknown(p.attributes['arn'])).toBe(true);
    expect(p.attributes['first']).toBe('c0');
    expect(p.references.get('bucket')).toEqual(['module.bucket.aws_s3_bucket.this']);
  });

  it('records references that pass through module inputs', async () => {
    const r = await evaluateSnippet(files);
    expect(byAddress(r, 'module.bucket.aws_s3_bucket.this').references.get('kms')).toEqual(['aws_kms_key.k']);
  });

  it('flags the resources of a module whose count is unknown', async () => {
    const r = await evaluateSnippet({
      'main.tf': 'variable "n" {}\nmodule "m" {\n  source = "./m"\n  count  = var.n\n}\n',
      'm/main.tf': 'resource "aws_sqs_queue" "q" {\n  name = "q"\n}\n',
    });
    const q = byAddress(r, 'module.m.aws_sqs_queue.q');
    expect(q.unknownExpansion).toBe(true);
    expect(q.attributes['name']).toBe('q');
  });

  it('reports module recursion instead of looping', async () => {
    const r = await evaluateSnippet({
      'main.tf': 'module "a" {\n  source = "./a"\n}\n',
      'a/main.tf': 'module "self" {\n  source = "../a"\n}\nresource "null_resource" "x" {}\n',
    });
    expect(r.diagnostics.map((d) => d.summary)).toContain('Module recursion');
    expect(r.resources.map((x) => x.address)).toEqual(['module.a.null_resource.x']);
  });

  it('evaluates registry modules installed in .terraform/modules and reports missing ones', async () => {
    const dir = resolve(import.meta.dirname, 'fixtures/terraform/registry');
    const r = await loadTerraform(dir, { reader: nodeSourceReader });
    expect(r.resources.map((x) => x.address).sort()).toEqual([
      'aws_flow_log.f',
      'module.vpc.aws_vpc.this',
      'module.vpc.module.subnet.aws_subnet.this',
    ]);
    expect(byAddress(r, 'module.vpc.module.subnet.aws_subnet.this').attributes['cidr_block']).toBe(
      '10.0.1.0/24',
    );
    const f = byAddress(r, 'aws_flow_log.f');
    expect(f.attributes['log_name']).toBe('main');
    expect(isUnknown(f.attributes['vpc_id'])).toBe(true);
    expect(isUnknown(f.attributes['other'])).toBe(true);
    const missing = r.diagnostics.find((d) => d.summary === 'Module not installed');
    expect(missing?.detail).toContain('"missing"');
    expect(missing?.range.start.line).toBe(8);
  });
});

describe('files', () => {
  it('reads file, templatefile, fileset and fileexists relative to the module', async () => {
    const r = await evaluateSnippet({
      'main.tf': `
module "m" {
  source = "./m"
}
`,
      'm/main.tf': `
resource "aws_iam_policy" "p" {
  policy  = file("\${path.module}/policy.json")
  decoded = jsondecode(file("\${path.module}/policy.json")).Version
  tpl     = templatefile("\${path.module}/t.tpl", { names = ["a", "b"], env = "prod" })
  files   = fileset(path.module, "*.json")
  exists  = fileexists("\${path.module}/nope.txt")
}
`,
      'm/policy.json': '{"Version": "2012-10-17"}',
      'm/t.tpl': 'env=${env}\n%{ for n in names ~}\n- ${n}\n%{ endfor ~}\n',
    });
    expect(byAddress(r, 'module.m.aws_iam_policy.p').attributes).toEqual({
      policy: '{"Version": "2012-10-17"}',
      decoded: '2012-10-17',
      tpl: 'env=prod\n- a\n- b\n',
      files: ['policy.json'],
      exists: false,
    });
  });
});

describe('robustness', () => {
  it('reports unreadable module directories without crashing', async () => {
    const r = await loadTerraform('/nonexistent/opsdeck/dir', { reader: nodeSourceReader });
    expect(r.resources).toEqual([]);
    expect(r.diagnostics[0]?.summary).toBe('Failed to read module directory');
  });

  it('counts files and bytes and returns comments for suppressions', async () => {
    const r = await evaluateSnippet({ 'main.tf': '# opsdeck:ignore OPS-1\nresource "a_b" "c" {}\n' });
    expect(r.stats.files).toBe(1);
    expect(r.stats.bytes).toBe(45);
    expect(r.files[0]?.comments[0]?.text).toContain('opsdeck:ignore OPS-1');
  });
});
