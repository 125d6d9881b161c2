import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { detectKind, importFiles } from '../src/estate/importers/index.js';
import type { Json } from '../src/estate/model.js';
import {
  filesUnder,
  fixtures,
  haveSharedData,
  readTexts,
  sharedData,
  unwrapRecordings,
} from './fixtures/estate/shared-data.js';

const have = haveSharedData('estate importer tests on real data');
const T0 = '2026-11-27T00:00:00.000Z';

function importFolders(...folders: string[]) {
  const dir = unwrapRecordings(folders);
  return importFiles(readTexts(filesUnder(dir)), T0);
}

describe.skipIf(!have)('detecting file kinds by content', () => {
  const cli = have ? unwrapRecordings() : '';
  it.each([
    ['test_ebs_volume_query/ec2.DescribeVolumes_1.json', 'aws-describe-volumes'],
    ['test_ec2_metric/ec2.DescribeInstances_1.json', 'aws-describe-instances'],
    ['test_ebs_snapshot_delete/ec2.DescribeSnapshots_1.json', 'aws-describe-snapshots'],
    ['test_eip_used_by/ec2.DescribeAddresses_1.json', 'aws-describe-addresses'],
    ['test_elb_tags/elasticloadbalancing.DescribeLoadBalancers_1.json', 'aws-describe-load-balancers'],
    ['test_netelb_metrics/elasticloadbalancing.DescribeLoadBalancers_1.json', 'aws-describe-load-balancers'],
    [
      'test_appelb_instance_count_zero/elasticloadbalancing.DescribeTargetHealth_1.json',
      'aws-describe-target-health',
    ],
    ['test_rds_tags/rds.DescribeDBInstances_1.json', 'aws-describe-db-instances'],
    ['test_s3_get_resources/s3.ListBuckets_1.json', 'aws-list-buckets'],
    ['test_s3_get_resources/s3.GetBucketTagging_1.json', 'aws-get-bucket-tagging'],
    ['test_elb_tags/tagging.GetResources_1.json', 'aws-get-resources'],
    ['test_nat_gateways_metrics_filter/ec2.DescribeNatGateways_1.json', 'aws-describe-nat-gateways'],
    ['test_ec2_metric/monitoring.GetMetricStatistics_1.json', 'aws-get-metric-statistics'],
  ])('%s is %s, whatever the file is called', (file, kind) => {
    const doc = JSON.parse(readFileSync(path.join(cli, file), 'utf8')) as Json;
    expect(detectKind(doc)).toBe(kind);
    // the same content under a meaningless name is detected the same way
    const snap = importFiles([{ path: 'x/anything.txt', text: JSON.stringify(doc) }], T0);
    expect(snap.files[0]?.kind).toBe(kind);
  });

  it('unwraps the placebo {status_code, data} wrapper and reads old datetime objects as UTC', () => {
    const raw = readFileSync(
      path.join(sharedData, 'aws-api/test_ebs_volume_query/ec2.DescribeVolumes_1.json'),
      'utf8',
    );
    const snap = importFiles([{ path: 'rec.json', text: raw }], T0);
    const v = snap.resources.find((r) => r.id === 'vol-encrypted-gp3-001');
    expect(v?.createdAt).toBe('2025-10-27T10:00:00.000Z');
    expect(v?.attributes['ResponseMetadata']).toBeUndefined();
  });

  it.each([
    ['terraform state', 'tfstate/aws_ec2_ebs_volume.tfstate', 'terraform-state'],
    ['terraform show -json state', 'plans/terraform_v0.14_state.json', 'terraform-show-json'],
    ['terraform show -json plan', 'plans/example_plan.json', 'terraform-show-json'],
  ])('detects %s', (_name, file, kind) => {
    expect(detectKind(JSON.parse(readFileSync(path.join(sharedData, file), 'utf8')) as Json)).toBe(kind);
  });

  it('detects Azure Resource Graph and GCP asset exports and ACM outputs', () => {
    expect(
      detectKind(JSON.parse(readFileSync(path.join(fixtures, 'azure-graph.json'), 'utf8')) as Json),
    ).toBe('azure-resource-graph');
    expect(
      detectKind(JSON.parse(readFileSync(path.join(fixtures, 'acm-list-certificates.json'), 'utf8')) as Json),
    ).toBe('aws-list-certificates');
    expect(
      detectKind(
        JSON.parse(readFileSync(path.join(fixtures, 'acm-describe-certificate.json'), 'utf8')) as Json,
      ),
    ).toBe('aws-describe-certificate');
    const line = readFileSync(path.join(fixtures, 'gcp-assets.jsonl'), 'utf8').split('\n')[0] ?? '';
    expect(detectKind(JSON.parse(line) as Json)).toBe('gcp-asset-inventory');
  });
});

describe.skipIf(!have)('AWS CLI importers on the recorded responses', () => {
  it('reads describe-volumes: ids, state, size, type and region from the availability zone', () => {
    const s = importFolders('test_ebs_volume_query', 'test_ebs_instance_filter');
    const vols = s.resources.filter((r) => r.type === 'aws_ebs_volume');
    expect(vols).toHaveLength(5);
    const v = vols.find((r) => r.id === 'vol-encrypted-gp3-002');
    expect(v).toMatchObject({ state: 'available', region: 'us-east-1', provider: 'aws' });
    expect(v?.attributes['Size']).toBe(200);
    expect(s.scannedTypes).toEqual(expect.arrayContaining(['aws_ebs_volume', 'aws_instance']));
  });

  it('reads describe-instances with the reservation owner as account and the state name', () => {
    const s = importFolders('test_ec2_metric_extended_stats');
    const inst = s.resources.filter((r) => r.type === 'aws_instance');
    expect(inst.map((i) => i.id).sort()).toEqual([
      'i-00d3f85ef9622b0e2',
      'i-0f10da6b1d974db98',
      'i-0fdc8cff63616a335',
    ]);
    expect(inst.find((i) => i.id === 'i-0fdc8cff63616a335')).toMatchObject({
      state: 'running',
      region: 'us-east-2',
    });
    expect(inst.find((i) => i.id === 'i-00d3f85ef9622b0e2')?.tags).toHaveProperty('cost-center');
  });

  it('reads ISO datetimes of newer recordings', () => {
    const s = importFolders('test_ebs_volume_snapshots_filter');
    expect(s.resources.find((r) => r.id === 'snap-085062b022d569e74')?.createdAt).toBe(
      '2023-05-03T19:30:37.505Z',
    );
    expect(s.resources.filter((r) => r.type === 'aws_ebs_snapshot')).toHaveLength(3);
  });

  it('reads describe-addresses and marks addresses without association as unassociated', () => {
    const s = importFolders('test_eip_used_by');
    const eips = s.resources.filter((r) => r.type === 'aws_eip');
    expect(eips).toHaveLength(3);
    expect(eips.filter((e) => e.state === 'unassociated').map((e) => e.id)).toEqual([
      'eipalloc-0c2e1da5c1bb166f5',
    ]);
  });

  it('keeps the later record when re-describes list a resource twice', () => {
    const s = importFolders('test_norelease_attached_nif');
    expect(
      s.resources
        .filter((r) => r.type === 'aws_eip')
        .map((e) => e.id)
        .sort(),
    ).toEqual(['eipalloc-983b3391', 'eipalloc-c92129c0']);
  });

  it('merges get-resources tags into classic load balancers by name and elbv2 describe-tags by ARN', () => {
    const classic = importFolders('test_elb_tags');
    const elb = classic.resources.find((r) => r.type === 'aws_elb');
    expect(elb).toMatchObject({ id: 'CloudCustodian', tags: { Platform: 'ubuntu' } });
    expect(classic.resources).toHaveLength(1);
    const alb = importFolders('test_appelb_instance_count_zero');
    const lbs = alb.resources.filter((r) => r.type === 'aws_lb');
    expect(lbs).toHaveLength(2);
    expect(lbs.find((l) => l.name === 'alb-1')?.tags).toEqual({ KEY1: 'VALUE1', KEY2: 'VALUE2' });
    expect(lbs.find((l) => l.name === 'alb-1')).toMatchObject({
      region: 'us-west-2',
      account: '644160558196',
    });
    expect(alb.resources.filter((r) => r.type === 'aws_lb_target_group')).toHaveLength(2);
    expect(alb.diagnostics.some((d) => d.severity === 'info' && d.message.includes('target health'))).toBe(
      true,
    );
  });

  it('reads describe-db-instances with TagList, ARN and class', () => {
    const s = importFolders('test_rds_tags');
    expect(s.resources).toHaveLength(1);
    expect(s.resources[0]).toMatchObject({
      type: 'aws_db_instance',
      id: 'test-03',
      arn: 'arn:aws:rds:us-east-1:644160558196:db:test-03',
      region: 'us-east-1',
    });
    expect(s.resources[0]?.tags['Platform']).toBe('postgres');
  });

  it('attributes get-bucket-tagging to the only bucket listed beside it', () => {
    const s = importFolders('test_s3_get_resources');
    expect(s.resources).toHaveLength(1);
    expect(s.resources[0]).toMatchObject({
      type: 'aws_s3_bucket',
      id: 'c7n-codebuild',
      createdAt: '2019-12-20T23:00:14.000Z',
    });
    expect(s.resources[0]?.tags['Owner']).toBe('nicholase');
    expect(Object.keys(s.resources[0]?.tags ?? {})).toHaveLength(6);
  });

  it('reads describe-nat-gateways', () => {
    const s = importFolders('test_nat_gateways_metrics_filter');
    expect(s.resources.find((r) => r.type === 'aws_nat_gateway')).toMatchObject({
      id: 'nat-12345678901112134',
      state: 'available',
    });
  });

  it('reads get-metric-statistics datapoints sorted by time and attributes them to the only instance beside them', () => {
    const s = importFolders('test_metric_filter_multiple_datapoints');
    expect(s.metrics).toHaveLength(1);
    const m = s.metrics[0];
    expect(m?.resourceId).toBe('i-0ea09b4cbf12b50f2');
    expect(m?.metric).toBe('CPUUtilization');
    expect(m?.datapoints.map((d) => d.timestamp)).toEqual([
      '2023-07-10T20:03:00.000Z',
      '2023-07-11T20:03:00.000Z',
      '2023-07-12T20:03:00.000Z',
    ]);
    expect(m?.datapoints[0]?.average).toBeCloseTo(0.394728034997871, 12);
  });

  it('reads ExtendedStatistics and leaves series it cannot attribute with an info diagnostic', () => {
    const s = importFolders('test_ec2_metric_extended_stats');
    const withPoints = s.metrics.find((m) => m.datapoints.length === 1);
    expect(withPoints?.datapoints[0]?.extended?.['p95']).toBeCloseTo(3.103524378446479, 12);
    expect(withPoints?.resourceId).toBeUndefined();
    expect(s.diagnostics.filter((d) => d.message.includes('could not be attributed'))).toHaveLength(3);
  });

  it('reads get-metric-data results, one series per result, attributed by the id in the label', () => {
    const text = JSON.stringify({
      MetricDataResults: [
        {
          Id: 'cpu',
          Label: 'i-0123456789abcdef0 CPUUtilization',
          Timestamps: ['2026-11-02T00:00:00Z', '2026-11-01T00:00:00Z'],
          Values: [4, 2],
          StatusCode: 'Complete',
        },
        {
          Id: 'net',
          Label: 'NetworkIn',
          Timestamps: ['2026-11-01T00:00:00Z'],
          Values: [100],
          StatusCode: 'Complete',
        },
      ],
      Messages: [],
    });
    const s = importFiles([{ path: 'metric-data.json', text }], T0);
    expect(s.files[0]?.kind).toBe('aws-get-metric-data');
    expect(s.metrics).toHaveLength(2);
    expect(s.metrics[0]?.resourceId).toBe('i-0123456789abcdef0');
    expect(s.metrics[0]?.metric).toBe('CPUUtilization');
    expect(s.metrics[0]?.datapoints.map((d) => [d.timestamp, d.value])).toEqual([
      ['2026-11-01T00:00:00.000Z', 2],
      ['2026-11-02T00:00:00.000Z', 4],
    ]);
    expect(s.metrics[1]?.resourceId).toBeUndefined();
  });

  it('takes the resource id from Dimensions when the file carries them', () => {
    const text = JSON.stringify({
      Label: 'CPUUtilization',
      Dimensions: [{ Name: 'InstanceId', Value: 'i-0123456789abcdef0' }],
      Datapoints: [{ Timestamp: '2026-11-01T00:00:00Z', Average: 1 }],
    });
    expect(importFiles([{ path: 'm.json', text }], T0).metrics[0]?.resourceId).toBe('i-0123456789abcdef0');
  });

  it('imports the whole recording set without throwing and reports recorded error responses', () => {
    const raw = filesUnder(path.join(sharedData, 'aws-api'));
    const s = importFiles(readTexts(raw), T0);
    expect(s.files).toHaveLength(raw.length);
    expect(s.diagnostics.filter((d) => d.message.includes('InvalidAllocationID.NotFound'))).toHaveLength(2);
    expect(s.resources.length).toBeGreaterThan(40);
  });
});

describe.skipIf(!have)('Terraform state importers', () => {
  it('reads v4 state instances with their address and id, leaving data sources out', () => {
    const file = path.join(sharedData, 'tfstate/aws_ec2_ebs_volume.tfstate');
    const s = importFiles(readTexts([file]), T0);
    expect(s.managed).toHaveLength(1);
    expect(s.managed[0]).toMatchObject({
      address: 'aws_ebs_volume.test-ebs-volume',
      id: 'vol-01ddc91d3d9d1318b',
      provider: 'aws',
    });
    expect(s.managed[0]?.attributes['tags']).toEqual({ Name: 'HelloWorld' });
  });

  it('counts every managed instance of the 147 real state files, as an independent reduction does', () => {
    const files = filesUnder(path.join(sharedData, 'tfstate')).filter(
      (f) => !f.includes(`${path.sep}v4${path.sep}`),
    );
    let expected = 0;
    for (const f of files) {
      const d = JSON.parse(readFileSync(f, 'utf8')) as {
        resources?: Array<{ mode: string; instances?: unknown[] }>;
      };
      for (const r of d.resources ?? []) if (r.mode === 'managed') expected += r.instances?.length ?? 0;
    }
    const s = importFiles(readTexts(files), T0);
    expect(s.managed).toHaveLength(expected);
    expect(s.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  });

  it('reads module and for_each addresses', () => {
    const s = importFiles(readTexts([path.join(sharedData, 'tfstate/module.iam_iam-user.tfstate')]), T0);
    expect(s.managed.length).toBeGreaterThan(0);
    expect(s.managed.every((m) => m.address.startsWith('module.'))).toBe(true);
  });

  it('upgrades v3 state: modules, flatmap tags, count index, data sources skipped', () => {
    const s = importFiles(readTexts([path.join(fixtures, 'v3.tfstate')]), T0);
    expect(s.managed.map((m) => m.address).sort()).toEqual([
      'aws_ebs_volume.data',
      'module.net.aws_eip.nat[0]',
    ]);
    const vol = s.managed.find((m) => m.type === 'aws_ebs_volume');
    expect(vol?.attributes['tags']).toEqual({ Name: 'data', Owner: 'team-a' });
    expect(vol?.id).toBe('vol-466f46ff');
  });

  it('reads terraform show -json state output through the shared plan reader', () => {
    const file = path.join(sharedData, 'plans/terraform_v0.14_state.json');
    const doc = JSON.parse(readFileSync(file, 'utf8')) as {
      values: {
        root_module: {
          resources?: Array<{ mode: string }>;
          child_modules?: Array<{ resources?: Array<{ mode: string }> }>;
        };
      };
    };
    const count = (m: { resources?: Array<{ mode: string }>; child_modules?: unknown[] }): number =>
      (m.resources ?? []).filter((r) => r.mode === 'managed').length +
      ((m.child_modules ?? []) as Array<typeof m>).reduce((a, c) => a + count(c), 0);
    const s = importFiles(readTexts([file]), T0);
    expect(s.managed).toHaveLength(count(doc.values.root_module));
    expect(s.files[0]?.kind).toBe('terraform-show-json');
  });
});

describe('Azure, GCP and ACM importers', () => {
  it('reads an az graph query export with types mapped to azurerm names', () => {
    const s = importFiles(readTexts([path.join(fixtures, 'azure-graph.json')]), T0);
    expect(s.resources.map((r) => r.type)).toEqual([
      'azurerm_virtual_machine',
      'azurerm_managed_disk',
      'azurerm_storage_account',
    ]);
    expect(s.resources[1]).toMatchObject({
      provider: 'azure',
      account: '00000000-0000-0000-0000-000000000001',
      region: 'westeurope',
      state: 'Unattached',
      name: 'disk-orphan',
    });
  });

  it('reads a Cloud Asset Inventory JSON-lines export with labels, project and location', () => {
    const s = importFiles(readTexts([path.join(fixtures, 'gcp-assets.jsonl')]), T0);
    expect(s.files[0]).toEqual({
      file: path.join(fixtures, 'gcp-assets.jsonl'),
      kind: 'gcp-asset-inventory',
      items: 3,
    });
    expect(s.resources[0]).toMatchObject({
      provider: 'gcp',
      type: 'google_compute_instance',
      account: 'demo-prj',
      region: 'europe-west1-b',
      name: 'api-1',
      tags: { owner: 'team-api', environment: 'dev' },
    });
    expect(s.resources[1]?.type).toBe('google_storage_bucket');
  });

  it('reports a bad JSON line with its line number and keeps the other assets', () => {
    const good = readFileSync(path.join(fixtures, 'gcp-assets.jsonl'), 'utf8').split('\n');
    const text = [good[0], '{"name": broken', good[1]].join('\n');
    const s = importFiles([{ path: 'assets.jsonl', text }], T0);
    expect(s.resources).toHaveLength(2);
    expect(s.diagnostics).toEqual([
      expect.objectContaining({ severity: 'error', file: 'assets.jsonl', path: 'line 2' }),
    ]);
  });

  it('reads ACM list-certificates and describe-certificate', () => {
    const s = importFiles(
      readTexts([
        path.join(fixtures, 'acm-list-certificates.json'),
        path.join(fixtures, 'acm-describe-certificate.json'),
      ]),
      T0,
    );
    const certs = s.resources.filter((r) => r.type === 'aws_acm_certificate');
    expect(certs).toHaveLength(4);
    expect(certs[3]).toMatchObject({
      name: 'shop.example.com',
      region: 'us-east-1',
      account: '123456789012',
    });
  });
});

describe('malformed and unknown input', () => {
  it.skipIf(!have)(
    'reports the deliberately malformed state with line and column and goes on with the next file',
    () => {
      const files = [
        path.join(sharedData, 'tfstate/v4/invalid.tfstate'),
        path.join(sharedData, 'tfstate/aws_ec2_eip.tfstate'),
      ];
      const s = importFiles(readTexts(files), T0);
      expect(s.diagnostics).toEqual([
        expect.objectContaining({
          severity: 'error',
          file: files[0],
          path: 'line 16, column 7',
          message: expect.stringContaining('invalid JSON') as string,
        }),
      ]);
      expect(s.managed.length).toBeGreaterThan(0);
      expect(s.files.map((f) => f.kind)).toEqual(['unknown', 'terraform-state']);
    },
  );

  it.each([
    ['an object no importer knows', '{"hello": "world"}', 'unrecognised content (top level: hello)'],
    ['a bare number', '42', 'unrecognised content'],
    [
      'an unsupported state version',
      '{"version": 9, "serial": 1, "lineage": "x", "resources": []}',
      'unsupported Terraform state version 9',
    ],
  ])('gives a clear diagnostic for %s', (_name, text, message) => {
    const s = importFiles([{ path: 'in.json', text }], T0);
    expect(s.diagnostics[0]?.message).toContain(message);
    expect(s.diagnostics[0]?.file).toBe('in.json');
  });

  it('names the JSON path of a record without its id', () => {
    const s = importFiles(
      [{ path: 'v.json', text: JSON.stringify({ Volumes: [{ VolumeId: 'vol-1', Size: 1 }, { Size: 2 }] }) }],
      T0,
    );
    expect(s.resources).toHaveLength(1);
    expect(s.diagnostics[0]).toMatchObject({
      path: '$.Volumes[1]',
      message: expect.stringContaining('no VolumeId') as string,
    });
  });
});
