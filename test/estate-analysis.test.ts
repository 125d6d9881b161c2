import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { certificateStatuses } from '../src/estate/certificates.js';
import { analyseCoverage } from '../src/estate/coverage.js';
import { isIgnored, parseIgnore } from '../src/estate/ignore.js';
import { importFiles } from '../src/estate/importers/index.js';
import type { EstateResource, Json } from '../src/estate/model.js';
import { buildCatalog, type PriceCatalog, volumeMonthly } from '../src/estate/pricing.js';
import { recommendRightsizing, vcpus } from '../src/estate/rightsizing.js';
import { analyseTags } from '../src/estate/tags.js';
import { DEFAULT_WASTE_OPTIONS, findWaste } from '../src/estate/waste.js';
import {
  filesUnder,
  fixtures,
  haveSharedData,
  readTexts,
  sharedData,
  unwrapRecordings,
} from './fixtures/estate/shared-data.js';

const have = haveSharedData('estate analysis tests on real data');
const T0 = '2026-11-27T00:00:00.000Z';

function catalog(): PriceCatalog {
  const dir = path.join(sharedData, 'prices');
  const docs = filesUnder(dir).map((f) => ({ file: f, doc: JSON.parse(readFileSync(f, 'utf8')) as Json }));
  const { catalog: c, diagnostics } = buildCatalog(docs);
  expect(diagnostics).toEqual([]);
  return c;
}

function live(...folders: string[]) {
  return importFiles(readTexts(filesUnder(unwrapRecordings(folders))), T0);
}

const STATE_V4 = JSON.stringify({
  version: 4,
  terraform_version: '1.5.7',
  serial: 1,
  lineage: 'test',
  resources: [
    {
      mode: 'managed',
      type: 'aws_ebs_volume',
      name: 'data',
      provider: 'provider["registry.terraform.io/hashicorp/aws"]',
      instances: [
        {
          attributes: { id: 'vol-466f46ff', size: 10, type: 'gp2', encrypted: false, tags: { Name: 'data' } },
        },
      ],
    },
    {
      mode: 'managed',
      type: 'aws_eip',
      name: 'nat',
      provider: 'provider["registry.terraform.io/hashicorp/aws"]',
      instances: [{ attributes: { id: 'eipalloc-00000000', public_ip: '35.173.59.255' } }],
    },
    {
      mode: 'managed',
      type: 'aws_s3_bucket',
      name: 'cb',
      provider: 'provider["registry.terraform.io/hashicorp/aws"]',
      instances: [
        { attributes: { id: 'c7n-codebuild', bucket: 'c7n-codebuild', tags: { Owner: 'nicholase' } } },
      ],
    },
    {
      mode: 'managed',
      type: 'aws_ebs_volume',
      name: 'gone',
      provider: 'provider["registry.terraform.io/hashicorp/aws"]',
      instances: [{ attributes: { id: 'vol-0000dead', size: 1, type: 'gp3' } }],
    },
    {
      mode: 'managed',
      type: 'aws_iam_role',
      name: 'r',
      provider: 'provider["registry.terraform.io/hashicorp/aws"]',
      instances: [{ attributes: { id: 'role-x' } }],
    },
    {
      mode: 'data',
      type: 'aws_ami',
      name: 'u',
      provider: 'provider["registry.terraform.io/hashicorp/aws"]',
      instances: [{ attributes: { id: 'ami-1' } }],
    },
  ],
});

describe.skipIf(!have)('IaC coverage and drift', () => {
  const build = () => {
    const l = live('test_ebs_instance_filter', 'test_norelease_attached_nif', 'test_s3_get_resources');
    const state = importFiles([{ path: 'terraform.tfstate', text: STATE_V4 }], T0);
    return { l, state };
  };

  it('counts managed, unmanaged and missing exactly and computes driftctl coverage', () => {
    const { l, state } = build();
    expect(l.resources).toHaveLength(7);
    const c = analyseCoverage(l.resources, state.managed, l.scannedTypes);
    expect(c.counts).toEqual({ managed: 3, unmanaged: 4, missing: 1, ignored: 0, total: 8 });
    expect(c.coveragePct).toBe(37.5);
    expect(c.managed.map((m) => `${m.address}=${m.id}`).sort()).toEqual([
      'aws_ebs_volume.data=vol-466f46ff',
      'aws_eip.nat=eipalloc-983b3391',
      'aws_s3_bucket.cb=c7n-codebuild',
    ]);
    expect(c.unmanaged.map((u) => u.id).sort()).toEqual([
      'eipalloc-c92129c0',
      'i-6c3cc5b1',
      'vol-2b047792',
      'vol-96c7ee2f',
    ]);
    expect(c.missing).toEqual([
      { address: 'aws_ebs_volume.gone', type: 'aws_ebs_volume', id: 'vol-0000dead' },
    ]);
    // the IAM role's type was not enumerated live: not counted as missing
    expect(c.notScanned).toBe(1);
  });

  it('reports drift on size and tags, and tags drift on the bucket whose live tags differ', () => {
    const { l, state } = build();
    const c = analyseCoverage(l.resources, state.managed, l.scannedTypes);
    const vol = c.managed.find((m) => m.id === 'vol-466f46ff');
    expect(vol?.drift).toEqual([
      {
        field: 'tags',
        state: { Name: 'data' },
        live: {
          'maid-crypt-remediation': 'i-1aebf7c0',
          'maid-instance-device': '/dev/xvda',
          'maid-origin-volume': 'vol-2b047792',
        },
      },
      { field: 'size', state: 10, live: 8 },
      { field: 'encrypted', state: false, live: true },
    ]);
    const bucket = c.managed.find((m) => m.id === 'c7n-codebuild');
    expect(bucket?.drift.map((d) => d.field)).toEqual(['tags']);
    expect(c.drifted).toBe(2);
  });

  it('reports public access drift between the public access block of a bucket in state and get-public-access-block', () => {
    const dir = unwrapRecordings(['test_s3_get_resources']);
    const pab = {
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: false,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
    };
    const l = importFiles(
      [
        ...readTexts(filesUnder(dir)),
        { path: `${dir}/test_s3_get_resources/pab.json`, text: JSON.stringify(pab) },
      ],
      T0,
    );
    expect(l.resources[0]?.attributes['PublicAccessBlockConfiguration']).toEqual(
      pab.PublicAccessBlockConfiguration,
    );
    const state = JSON.stringify({
      version: 4,
      serial: 1,
      lineage: 'x',
      resources: [
        {
          mode: 'managed',
          type: 'aws_s3_bucket',
          name: 'b',
          instances: [{ attributes: { id: 'c7n-codebuild', bucket: 'c7n-codebuild' } }],
        },
        {
          mode: 'managed',
          type: 'aws_s3_bucket_public_access_block',
          name: 'b',
          instances: [
            {
              attributes: {
                id: 'c7n-codebuild',
                bucket: 'c7n-codebuild',
                block_public_acls: true,
                block_public_policy: true,
                ignore_public_acls: true,
                restrict_public_buckets: true,
              },
            },
          ],
        },
      ],
    });
    const st = importFiles([{ path: 's.tfstate', text: state }], T0);
    const c = analyseCoverage(l.resources, st.managed, l.scannedTypes);
    expect(c.managed[0]?.drift).toEqual([
      { field: 'public_access_block.block_public_policy', state: true, live: false },
    ]);
  });

  it('matches a v3 state EIP by allocation id', () => {
    const l = live('test_norelease_attached_nif');
    const v3 = importFiles(readTexts([path.join(fixtures, 'v3.tfstate')]), T0);
    const c = analyseCoverage(l.resources, v3.managed, l.scannedTypes);
    expect(c.managed.map((m) => m.address)).toEqual(['module.net.aws_eip.nat[0]']);
    // the v3 volume's type was not enumerated by these exports
    expect(c.counts).toEqual({ managed: 1, unmanaged: 1, missing: 0, ignored: 0, total: 2 });
  });

  it.each([
    [['aws_ebs_volume.vol-2b*'], { managed: 3, unmanaged: 3, missing: 1, ignored: 1, total: 7 }, 42.86],
    [
      ['aws_ebs_volume.*', '!aws_ebs_volume.vol-96c7ee2f'],
      { managed: 2, unmanaged: 3, missing: 0, ignored: 3, total: 5 },
      40,
    ],
    [['# comment', '', 'aws_*'], { managed: 0, unmanaged: 0, missing: 0, ignored: 8, total: 0 }, null],
  ])('applies ignore patterns %j', (patterns, counts, pct) => {
    const { l, state } = build();
    const c = analyseCoverage(l.resources, state.managed, l.scannedTypes, parseIgnore(patterns));
    expect(c.counts).toEqual(counts);
    expect(c.coveragePct).toBe(pct);
  });
});

describe('ignore patterns', () => {
  it.each([
    ['aws_s3_bucket.logs-*', 'aws_s3_bucket', 'logs-2024', true],
    ['aws_s3_bucket.logs-*', 'aws_s3_bucket', 'app-logs', false],
    ['aws_lb.*', 'aws_lb', 'arn:aws:elasticloadbalancing:us-east-1:1:loadbalancer/app/a/b', true],
    ['aws_eip.eipalloc-?', 'aws_eip', 'eipalloc-1', true],
    ['aws_eip.eipalloc-?', 'aws_eip', 'eipalloc-12', false],
  ])('%s on %s.%s ignores: %s', (pattern, type, id, expected) => {
    expect(isIgnored(type, id, parseIgnore([pattern]))).toBe(expected);
  });

  it('lets a later negation re-include and a later pattern exclude again (last match wins)', () => {
    const rules = parseIgnore('aws_s3_bucket.*\n!aws_s3_bucket.keep-*\naws_s3_bucket.keep-tmp');
    expect(isIgnored('aws_s3_bucket', 'x', rules)).toBe(true);
    expect(isIgnored('aws_s3_bucket', 'keep-a', rules)).toBe(false);
    expect(isIgnored('aws_s3_bucket', 'keep-tmp', rules)).toBe(true);
  });
});

function res(
  provider: EstateResource['provider'],
  id: string,
  tags: Record<string, string>,
  extra: Partial<EstateResource> = {},
): EstateResource {
  return {
    provider,
    type: provider === 'aws' ? 'aws_instance' : 'x',
    id,
    tags,
    attributes: {},
    source: { kind: 'aws-describe-instances', file: 'f' },
    ...extra,
  };
}

describe('tag compliance', () => {
  const policy = {
    required: ['Owner', 'Environment'],
    allowed: { Environment: ['prod', 'dev', 'staging'] },
    caseSensitive: false,
  };

  it('treats AWS keys as case-sensitive, Azure keys as case-insensitive and GCP labels as lowercase', () => {
    const r = analyseTags(
      [
        res('aws', 'i-1', { owner: 'a', Environment: 'prod' }),
        res('aws', 'i-2', { Owner: 'a', Environment: 'prod' }),
        res('azure', '/subscriptions/s/az-1', { owner: 'a', ENVIRONMENT: 'dev' }),
        res('gcp', '//gcp/1', { owner: 'a', environment: 'dev' }),
        res('gcp', '//gcp/2', { owner: 'a', environment: 'qa' }),
      ],
      policy,
    );
    expect(r.total).toBe(5);
    expect(r.compliant).toBe(3);
    expect(r.compliancePct).toBe(60);
    expect(r.nonCompliant.map((n) => [n.id, n.missing, n.bad])).toEqual([
      ['i-1', ['Owner'], []],
      ['//gcp/2', [], [{ key: 'environment', value: 'qa' }]],
    ]);
  });

  it('computes compliance by spend, and breakdowns by account, environment and owner', () => {
    const r = analyseTags(
      [
        res('aws', 'i-a', { Owner: 'x', Environment: 'prod' }, { account: '111' }),
        res('aws', 'i-b', { Owner: 'y' }, { account: '111' }),
        res(
          'aws',
          'i-c',
          {},
          { account: '222', arn: 'arn:aws:ec2:us-east-1:222:instance/i-c', region: 'us-east-1' },
        ),
      ],
      policy,
      {
        costById: new Map([
          ['i-a', 30],
          ['i-b', 10],
          ['arn:aws:ec2:us-east-1:222:instance/i-c', 60],
        ]),
      },
    );
    expect(r.compliancePct).toBe(33.33);
    expect(r.spendCompliancePct).toBe(30);
    expect(r.byAccount).toEqual([
      { key: '111', total: 2, compliant: 1, pct: 50 },
      { key: '222', total: 1, compliant: 0, pct: 0 },
    ]);
    expect(r.byEnvironment.map((b) => b.key)).toEqual(['(none)', 'prod']);
    expect(r.byOwner.map((b) => `${b.key}:${b.total}`)).toEqual(['(none):1', 'x:1', 'y:1']);
    expect(r.nonCompliant.find((n) => n.id === 'i-c')?.remediation).toBe(
      "aws resourcegroupstaggingapi tag-resources --region us-east-1 --resource-arn-list arn:aws:ec2:us-east-1:222:instance/i-c --tags 'Owner=<owner>','Environment=<environment>'",
    );
    expect(r.nonCompliant.find((n) => n.id === 'i-b')?.remediation).toBe(
      "aws ec2 create-tags --resources i-b --tags 'Key=Environment,Value=<environment>'",
    );
  });

  it('points managed resources at their state address instead of a CLI command', () => {
    const r = analyseTags([res('aws', 'i-m', {})], policy, {
      managedAddress: new Map([['aws_instance\u0000i-m', 'module.app.aws_instance.web']]),
    });
    expect(r.nonCompliant[0]?.address).toBe('module.app.aws_instance.web');
    expect(r.nonCompliant[0]?.remediation).toContain('module.app.aws_instance.web');
  });

  it('scores the Azure and GCP exports: 2 of 6 resources compliant', () => {
    const s = importFiles(
      readTexts([path.join(fixtures, 'azure-graph.json'), path.join(fixtures, 'gcp-assets.jsonl')]),
      T0,
    );
    const r = analyseTags(s.resources, policy);
    expect(r.total).toBe(6);
    expect(r.compliant).toBe(2);
    expect(r.compliancePct).toBe(33.33);
  });
});

describe.skipIf(!have)('waste, priced from the shared price files', () => {
  it('prices an unattached 100 GiB gp2 volume at $10.00 a month', () => {
    const text = JSON.stringify({
      Volumes: [
        {
          VolumeId: 'vol-100gp2',
          Size: 100,
          VolumeType: 'gp2',
          State: 'available',
          AvailabilityZone: 'us-east-1a',
          Attachments: [],
        },
      ],
    });
    const s = importFiles([{ path: 'v.json', text }], T0);
    const f = findWaste(s.resources, [], catalog(), new Date(T0));
    const unattached = f.find((x) => x.category === 'unattached-volume');
    expect(unattached).toMatchObject({ resourceId: 'vol-100gp2', monthlyCost: 10, monthlySaving: 10 });
    // and gp2 -> gp3 with the same 300 baseline IOPS: 100 x 0.08 = $8.00, saving $2.00
    expect(f.find((x) => x.category === 'gp2-to-gp3')).toMatchObject({ monthlyCost: 10, monthlySaving: 2 });
  });

  it('prices the recorded unattached volumes: io1 with IOPS, gp3 above the included IOPS', () => {
    const s = live(
      'test_ebs_metrics_percent_filter',
      'test_ebs_modify_iops_percent_gp3',
      'test_ebs_volume_query',
    );
    const f = findWaste(s.resources, s.metrics, catalog(), new Date(T0)).filter(
      (x) => x.category === 'unattached-volume',
    );
    expect(Object.fromEntries(f.map((x) => [x.resourceId, x.monthlyCost]))).toEqual({
      // 100 GiB x 0.125 + 5000 IOPS x 0.065
      'vol-07197f6445e4e8681': 337.5,
      // 8 GiB x 0.08 + (3900 - 3000) IOPS x 0.005 (the later describe wins)
      'vol-0b0d1b4c01088ed2c': 5.14,
      'vol-encrypted-gp3-001': 8,
      'vol-encrypted-gp3-002': 16,
    });
    expect(volumeMonthly(catalog(), 'gp3', 100, 4000, 130)).toBe(13.2);
  });

  it('finds unassociated Elastic IPs at 730 h x $0.005', () => {
    const s = live('test_eip_used_by');
    const f = findWaste(s.resources, [], catalog(), new Date(T0));
    expect(f.map((x) => [x.category, x.resourceId, x.monthlyCost])).toEqual([
      ['unassociated-eip', 'eipalloc-0c2e1da5c1bb166f5', 3.65],
    ]);
  });

  it('finds old snapshots (default 90 days) and orphaned ones whose volume is gone', () => {
    const s = live('test_ebs_volume_snapshots_filter');
    const f = findWaste(s.resources, [], catalog(), new Date('2024-03-01T00:00:00Z'));
    expect(f.map((x) => [x.category, x.resourceId, x.monthlyCost, x.evidence['ageDays']])).toEqual([
      ['old-snapshot', 'snap-085062b022d569e74', 1, 302],
    ]);
    const orphan = importFiles(
      [
        {
          path: 'a/s.json',
          text: JSON.stringify({
            Snapshots: [
              {
                SnapshotId: 'snap-1',
                VolumeId: 'vol-gone',
                VolumeSize: 40,
                StartTime: '2026-11-20T00:00:00Z',
              },
            ],
          }),
        },
        { path: 'a/v.json', text: JSON.stringify({ Volumes: [] }) },
      ],
      T0,
    );
    expect(findWaste(orphan.resources, [], catalog(), new Date(T0))).toEqual([]);
    const withVolume = importFiles(
      [
        {
          path: 'a/s.json',
          text: JSON.stringify({
            Snapshots: [
              {
                SnapshotId: 'snap-1',
                VolumeId: 'vol-gone',
                VolumeSize: 40,
                StartTime: '2026-11-20T00:00:00Z',
              },
            ],
          }),
        },
        {
          path: 'a/v.json',
          text: JSON.stringify({
            Volumes: [
              { VolumeId: 'vol-other', Size: 1, VolumeType: 'gp3', State: 'in-use', Attachments: [] },
            ],
          }),
        },
      ],
      T0,
    );
    expect(
      findWaste(withVolume.resources, [], catalog(), new Date(T0)).find(
        (x) => x.category === 'orphaned-snapshot',
      ),
    ).toMatchObject({ resourceId: 'snap-1', monthlyCost: 2 });
  });

  it('finds an idle instance with Trusted Advisor defaults (4 of 14 days at <= 10% CPU and <= 5 MB network)', () => {
    const s = live('test_ec2_metric');
    const now = new Date('2016-06-25T00:00:00Z');
    const day = (d: number) => new Date(now.getTime() - d * 86_400_000).toISOString();
    const cpu = {
      Label: 'CPUUtilization',
      Dimensions: [{ Name: 'InstanceId', Value: 'i-0cfbce719a3400834' }],
      Datapoints: [1, 2, 3, 4, 5].map((d) => ({
        Timestamp: day(d),
        Average: d === 5 ? 50 : 2,
        Unit: 'Percent',
      })),
    };
    const net = {
      Label: 'NetworkIn',
      Dimensions: [{ Name: 'InstanceId', Value: 'i-0cfbce719a3400834' }],
      Datapoints: [1, 2, 3, 4, 5].map((d) => ({
        Timestamp: day(d),
        Sum: d === 1 ? 9e6 : 1000,
        Unit: 'Bytes',
      })),
    };
    const m = importFiles(
      [
        { path: 'cpu.json', text: JSON.stringify(cpu) },
        { path: 'net.json', text: JSON.stringify(net) },
      ],
      T0,
    ).metrics;
    const idle = findWaste(s.resources, m, catalog(), now).filter((x) => x.category === 'idle-instance');
    expect(idle).toHaveLength(0); // days 2,3,4 idle; day 1 has 9 MB network, day 5 has 50% CPU: 3 < 4
    const lenient = { ...DEFAULT_WASTE_OPTIONS, idle: { ...DEFAULT_WASTE_OPTIONS.idle, minIdleDays: 3 } };
    const found = findWaste(s.resources, m, catalog(), now, lenient).filter(
      (x) => x.category === 'idle-instance',
    );
    // m3.medium: 0.067/h x 730
    expect(found).toEqual([
      expect.objectContaining({
        resourceId: 'i-0cfbce719a3400834',
        monthlyCost: 48.91,
        monthlySaving: 48.91,
        evidence: expect.objectContaining({ idleDays: 3, daysWithData: 5 }) as unknown,
      }),
    ]);
  });

  it('finds application load balancers without healthy targets once health is attributed', () => {
    const dir = unwrapRecordings(['test_appelb_instance_count_zero']);
    const inputs = readTexts(filesUnder(dir));
    const tgs = JSON.parse(
      inputs.find((i) => i.path.endsWith('DescribeTargetGroups_1.json'))?.text ?? '{}',
    ) as { TargetGroups: Array<{ TargetGroupArn: string }> };
    for (const tg of tgs.TargetGroups)
      inputs.push({
        path: `${dir}/health-${tg.TargetGroupArn.split('/')[1]}.json`,
        text: JSON.stringify({ TargetGroupArn: tg.TargetGroupArn, TargetHealthDescriptions: [] }),
      });
    const s = importFiles(inputs, T0);
    const f = findWaste(s.resources, [], catalog(), new Date(T0)).filter(
      (x) => x.category === 'idle-load-balancer',
    );
    expect(f.map((x) => [x.resourceId.split('/')[2], x.monthlyCost])).toEqual([
      ['alb-1', 16.43],
      ['alb-2', 16.43],
    ]);
  });

  it('finds volumes on long-stopped instances and previous-generation types with the current equivalent price', () => {
    const s = live('test_ec2_metric_extended_stats');
    const vol = {
      Volumes: [
        {
          VolumeId: 'vol-stopped',
          Size: 20,
          VolumeType: 'gp3',
          State: 'in-use',
          Attachments: [{ InstanceId: 'i-0f10da6b1d974db98', State: 'attached' }],
        },
      ],
    };
    const all = importFiles(
      [
        ...readTexts(filesUnder(unwrapRecordings(['test_ec2_metric_extended_stats']))),
        { path: 'v.json', text: JSON.stringify(vol) },
      ],
      T0,
    );
    const f = findWaste(all.resources, [], catalog(), new Date(T0));
    expect(f.find((x) => x.category === 'volume-on-stopped-instance')).toMatchObject({
      resourceId: 'vol-stopped',
      monthlyCost: 1.6,
      evidence: expect.objectContaining({ stoppedSince: '2024-04-04T04:22:00.000Z' }) as unknown,
    });
    const prev = f
      .filter((x) => x.category === 'previous-generation')
      .map((x) => [x.resourceId, x.evidence['suggested'], x.monthlySaving]);
    // t2.micro 0.0116/h -> t3.micro 0.0104/h: (8.468 - 7.592) -> 8.47 - 7.59
    expect(prev).toEqual([
      ['i-0f10da6b1d974db98', 't3.micro', 0.88],
      ['i-0fdc8cff63616a335', 't3.micro', 0.88],
    ]);
    expect(s.resources.length).toBe(3);
  });
});

describe.skipIf(!have)('right-sizing', () => {
  it.each([
    ['t2.nano', 1],
    ['t2.medium', 2],
    ['t3.micro', 2],
    ['m5.large', 2],
    ['m5.xlarge', 4],
    ['m5.4xlarge', 16],
    ['m6g.medium', 1],
    ['m5.metal', undefined],
  ])('%s has %s vCPUs', (t, n) => {
    expect(vcpus(t)).toBe(n);
  });

  it('sizes the recorded t2.xlarge from its CPU datapoints: P99.5 + 20% fits a t2.nano', () => {
    const s = live('test_metric_filter_multiple_datapoints');
    const c = catalog();
    const recs = recommendRightsizing(s.resources, s.metrics, c);
    expect(recs).toHaveLength(1);
    const r = recs[0];
    expect(r).toMatchObject({
      instanceId: 'i-0ea09b4cbf12b50f2',
      currentType: 't2.xlarge',
      suggestedType: 't2.nano',
      currentVcpus: 4,
      suggestedVcpus: 1,
      datapoints: 3,
    });
    expect(r?.observedPct).toBe(0.395);
    expect(r?.neededVcpus).toBeCloseTo((4 * 0.394728034997871 * 1.2) / 100, 3);
    const cur = Math.round((c.ec2Hourly['t2.xlarge'] ?? 0) * 730 * 100) / 100;
    const next = Math.round((c.ec2Hourly['t2.nano'] ?? 0) * 730 * 100) / 100;
    expect(r?.monthlySaving).toBe(Math.round((cur - next) * 100) / 100);
  });

  it('keeps a busy instance where it is and needs the minimum number of datapoints', () => {
    const s = live('test_metric_filter_multiple_datapoints');
    const busy = s.metrics.map((m) => ({
      ...m,
      datapoints: m.datapoints.map((d) => ({ ...d, average: 90 })),
    }));
    expect(recommendRightsizing(s.resources, busy, catalog())).toEqual([]);
    expect(
      recommendRightsizing(s.resources, s.metrics, catalog(), {
        percentile: 99.5,
        headroom: 0.2,
        minDatapoints: 4,
      }),
    ).toEqual([]);
  });
});

describe('certificates', () => {
  it('reports days to expiry with the 30/14/7 thresholds', () => {
    const s = importFiles(
      readTexts([
        path.join(fixtures, 'acm-list-certificates.json'),
        path.join(fixtures, 'acm-describe-certificate.json'),
      ]),
      T0,
    );
    const c = certificateStatuses(s.resources, new Date(T0));
    expect(c.map((x) => [x.domain, x.daysToExpiry, x.level])).toEqual([
      ['old.example.com', -26, 'expired'],
      ['www.example.com', 6, 'critical'],
      ['api.example.com', 23, 'notice'],
      ['shop.example.com', 186, 'ok'],
    ]);
    expect(c[3]?.inUse).toBe(true);
  });
});
