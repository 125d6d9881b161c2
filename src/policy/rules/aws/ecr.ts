import type { Rule } from '../../rule.js';
import { defineRule, expect, fail, get, PASS, truthy, unknownResult } from '../../rule-kit.js';
import { awsMeta, str } from './helpers.js';

const T = ['aws_ecr_repository'];

const scan = defineRule(
  awsMeta({
    id: 'OPS-AWS-ECR-001',
    title: 'ECR repository does not scan images on push',
    severity: 'medium',
    family: 'least-privilege',
    resourceTypes: T,
    remediation:
      'Add `image_scanning_configuration { scan_on_push = true }` (or a registry-level enhanced scanning rule).',
    docs: ['https://docs.aws.amazon.com/AmazonECR/latest/userguide/image-scanning.html'],
    checkov: ['CKV_AWS_163'],
    trivy: [['AVD-AWS-0030', 'aws-ecr-enable-image-scans']],
  }),
  (r) =>
    expect(
      truthy(get(r, 'image_scanning_configuration.0.scan_on_push'), false),
      'Images are not scanned on push',
      get(r, 'image_scanning_configuration.0.scan_on_push') === undefined
        ? undefined
        : 'image_scanning_configuration.0.scan_on_push',
    ),
);

const immutable = defineRule(
  awsMeta({
    id: 'OPS-AWS-ECR-002',
    title: 'ECR repository image tags are mutable',
    severity: 'medium',
    family: 'least-privilege',
    resourceTypes: T,
    remediation: 'Set `image_tag_mutability = "IMMUTABLE"` so a deployed tag cannot be overwritten.',
    docs: ['https://docs.aws.amazon.com/AmazonECR/latest/userguide/image-tag-mutability.html'],
    checkov: ['CKV_AWS_51'],
    trivy: [['AVD-AWS-0031', 'aws-ecr-enforce-immutable-repository']],
  }),
  (r) => {
    const m = str(get(r, 'image_tag_mutability'));
    if (m === 'unknown') return unknownResult('image_tag_mutability is known only after apply');
    if (m !== undefined && m.startsWith('IMMUTABLE')) return PASS;
    return fail(`Tags are ${m ?? 'MUTABLE (default)'}`, m === undefined ? undefined : 'image_tag_mutability');
  },
);

const kms = defineRule(
  awsMeta({
    id: 'OPS-AWS-ECR-003',
    title: 'ECR repository is not encrypted with KMS',
    severity: 'low',
    family: 'encryption',
    resourceTypes: T,
    remediation: 'Add `encryption_configuration { encryption_type = "KMS", kms_key = aws_kms_key.ecr.arn }`.',
    docs: ['https://docs.aws.amazon.com/AmazonECR/latest/userguide/encryption-at-rest.html'],
    checkov: ['CKV_AWS_136'],
    trivy: [['AVD-AWS-0033', 'aws-ecr-repository-customer-key']],
  }),
  (r) => {
    const t = str(get(r, 'encryption_configuration.0.encryption_type'));
    if (t === 'unknown') return unknownResult('encryption_type is known only after apply');
    return t === 'KMS'
      ? PASS
      : fail(
          `Encryption type is ${t ?? 'AES256 (default)'}`,
          t === undefined ? undefined : 'encryption_configuration.0.encryption_type',
        );
  },
);

export const ecrRules: Rule[] = [scan, immutable, kms];
