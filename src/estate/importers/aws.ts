import { arnIdentity, parseArn } from '../arn.js';
import { arr, isoTime, num, obj, str, tagMap } from '../json.js';
import type { Datapoint, EstateResource, ImportKind, Json, JsonObject } from '../model.js';
import type { ImportAccumulator } from './accumulator.js';

const regionOfAz = (az: string | undefined): string | undefined =>
  az && /^[a-z]{2}(-[a-z]+)+-\d+[a-z]$/.test(az) ? az.slice(0, -1) : undefined;

function put<T>(o: T, key: keyof T, value: T[keyof T] | undefined): void {
  if (value !== undefined && value !== '') o[key] = value;
}

function resource(
  base: Pick<EstateResource, 'type' | 'id' | 'attributes'> & Partial<EstateResource>,
  kind: ImportKind,
  file: string,
): EstateResource {
  const r: EstateResource = {
    provider: 'aws',
    type: base.type,
    id: base.id,
    tags: base.tags ?? {},
    attributes: base.attributes,
    source: { kind, file },
  };
  put(r, 'arn', base.arn);
  const fromArn = base.arn ? parseArn(base.arn) : undefined;
  put(r, 'region', base.region ?? (fromArn?.region || undefined));
  put(r, 'account', base.account ?? (fromArn?.account || undefined));
  put(r, 'name', base.name ?? r.tags['Name']);
  put(r, 'state', base.state);
  put(r, 'createdAt', base.createdAt === undefined ? undefined : (isoTime(base.createdAt) ?? base.createdAt));
  return r;
}

function missing(acc: ImportAccumulator, file: string, path: string, what: string): void {
  acc.diagnostics.push({ severity: 'warning', file, path, message: `${what}; the record is skipped` });
}

/** Reads one AWS CLI output document (already unwrapped and normalised) into the accumulator. */
export function importAws(kind: ImportKind, doc: JsonObject, file: string, acc: ImportAccumulator): number {
  let n = 0;
  const add = (r: EstateResource) => {
    acc.resources.push(r);
    n++;
  };
  switch (kind) {
    case 'aws-describe-instances': {
      acc.scannedTypes.add('aws_instance');
      arr(doc['Reservations']).forEach((res, i) => {
        const ro = obj(res);
        arr(ro?.['Instances']).forEach((inst, j) => {
          const o = obj(inst);
          const id = str(o?.['InstanceId']);
          if (!o || !id) return missing(acc, file, `$.Reservations[${i}].Instances[${j}]`, 'no InstanceId');
          const r = resource(
            {
              type: 'aws_instance',
              id,
              attributes: o,
              tags: tagMap(o['Tags']),
              account: str(ro?.['OwnerId']),
              region: regionOfAz(str(obj(o['Placement'])?.['AvailabilityZone'])),
              state: str(obj(o['State'])?.['Name']),
              createdAt: str(o['LaunchTime']),
            },
            kind,
            file,
          );
          add(r);
        });
      });
      break;
    }
    case 'aws-describe-volumes':
      acc.scannedTypes.add('aws_ebs_volume');
      arr(doc['Volumes']).forEach((v, i) => {
        const o = obj(v);
        const id = str(o?.['VolumeId']);
        if (!o || !id) return missing(acc, file, `$.Volumes[${i}]`, 'no VolumeId');
        add(
          resource(
            {
              type: 'aws_ebs_volume',
              id,
              attributes: o,
              tags: tagMap(o['Tags']),
              region: regionOfAz(str(o['AvailabilityZone'])),
              state: str(o['State']),
              createdAt: str(o['CreateTime']),
            },
            kind,
            file,
          ),
        );
      });
      break;
    case 'aws-describe-snapshots':
      acc.scannedTypes.add('aws_ebs_snapshot');
      arr(doc['Snapshots']).forEach((v, i) => {
        const o = obj(v);
        const id = str(o?.['SnapshotId']);
        if (!o || !id) return missing(acc, file, `$.Snapshots[${i}]`, 'no SnapshotId');
        add(
          resource(
            {
              type: 'aws_ebs_snapshot',
              id,
              attributes: o,
              tags: tagMap(o['Tags']),
              account: str(o['OwnerId']),
              state: str(o['State']),
              createdAt: str(o['StartTime']),
            },
            kind,
            file,
          ),
        );
      });
      break;
    case 'aws-describe-addresses':
      acc.scannedTypes.add('aws_eip');
      arr(doc['Addresses']).forEach((v, i) => {
        const o = obj(v);
        const id = str(o?.['AllocationId']) ?? str(o?.['PublicIp']);
        if (!o || !id) return missing(acc, file, `$.Addresses[${i}]`, 'neither AllocationId nor PublicIp');
        const associated =
          o['AssociationId'] !== undefined ||
          o['InstanceId'] !== undefined ||
          o['NetworkInterfaceId'] !== undefined;
        add(
          resource(
            {
              type: 'aws_eip',
              id,
              attributes: o,
              tags: tagMap(o['Tags']),
              account: str(o['NetworkInterfaceOwnerId']),
              state: associated ? 'associated' : 'unassociated',
            },
            kind,
            file,
          ),
        );
      });
      break;
    case 'aws-describe-load-balancers':
      if ('LoadBalancerDescriptions' in doc) {
        acc.scannedTypes.add('aws_elb');
        arr(doc['LoadBalancerDescriptions']).forEach((v, i) => {
          const o = obj(v);
          const id = str(o?.['LoadBalancerName']);
          if (!o || !id) return missing(acc, file, `$.LoadBalancerDescriptions[${i}]`, 'no LoadBalancerName');
          add(
            resource(
              {
                type: 'aws_elb',
                id,
                name: id,
                attributes: o,
                region: regionOfAz(str(arr(o['AvailabilityZones'])[0])),
                createdAt: str(o['CreatedTime']),
              },
              kind,
              file,
            ),
          );
        });
      } else {
        acc.scannedTypes.add('aws_lb');
        arr(doc['LoadBalancers']).forEach((v, i) => {
          const o = obj(v);
          const arn = str(o?.['LoadBalancerArn']);
          if (!o || !arn) return missing(acc, file, `$.LoadBalancers[${i}]`, 'no LoadBalancerArn');
          add(
            resource(
              {
                type: 'aws_lb',
                id: arn,
                arn,
                name: str(o['LoadBalancerName']),
                attributes: o,
                state: str(obj(o['State'])?.['Code']),
                createdAt: str(o['CreatedTime']),
              },
              kind,
              file,
            ),
          );
        });
      }
      break;
    case 'aws-describe-target-groups':
      acc.scannedTypes.add('aws_lb_target_group');
      arr(doc['TargetGroups']).forEach((v, i) => {
        const o = obj(v);
        const arn = str(o?.['TargetGroupArn']);
        if (!o || !arn) return missing(acc, file, `$.TargetGroups[${i}]`, 'no TargetGroupArn');
        add(
          resource(
            { type: 'aws_lb_target_group', id: arn, arn, name: str(o['TargetGroupName']), attributes: o },
            kind,
            file,
          ),
        );
      });
      break;
    case 'aws-describe-target-health': {
      const states = arr(doc['TargetHealthDescriptions']).map((d) => obj(d) ?? {});
      const healthy = states.filter((s) => obj(s['TargetHealth'])?.['State'] === 'healthy').length;
      const rec: ImportAccumulator['targetHealth'][number] = { healthy, total: states.length, file, states };
      const tg = str(doc['TargetGroupArn']);
      if (tg) rec.targetGroupArn = tg;
      acc.targetHealth.push(rec);
      n = states.length;
      break;
    }
    case 'aws-describe-elb-tags':
      arr(doc['TagDescriptions']).forEach((v) => {
        const o = obj(v);
        const arn = str(o?.['ResourceArn']);
        const name = str(o?.['LoadBalancerName']);
        const target = arn ?? (name ? `elb-name:${name}` : undefined);
        if (!o || !target) return;
        acc.tagPatches.push({ arn: target, tags: tagMap(o['Tags']), file, kind });
        n++;
      });
      break;
    case 'aws-describe-db-instances':
      acc.scannedTypes.add('aws_db_instance');
      arr(doc['DBInstances']).forEach((v, i) => {
        const o = obj(v);
        const id = str(o?.['DBInstanceIdentifier']);
        if (!o || !id) return missing(acc, file, `$.DBInstances[${i}]`, 'no DBInstanceIdentifier');
        add(
          resource(
            {
              type: 'aws_db_instance',
              id,
              name: id,
              arn: str(o['DBInstanceArn']),
              attributes: o,
              tags: tagMap(o['TagList']),
              region: regionOfAz(str(o['AvailabilityZone'])),
              state: str(o['DBInstanceStatus']),
              createdAt: str(o['InstanceCreateTime']),
            },
            kind,
            file,
          ),
        );
      });
      break;
    case 'aws-list-buckets':
      acc.scannedTypes.add('aws_s3_bucket');
      arr(doc['Buckets']).forEach((v, i) => {
        const o = obj(v);
        const id = str(o?.['Name']);
        if (!o || !id) return missing(acc, file, `$.Buckets[${i}]`, 'no Name');
        add(
          resource(
            {
              type: 'aws_s3_bucket',
              id,
              name: id,
              arn: `arn:aws:s3:::${id}`,
              attributes: o,
              region: str(o['BucketRegion']),
              createdAt: str(o['CreationDate']),
            },
            kind,
            file,
          ),
        );
      });
      break;
    case 'aws-get-bucket-tagging': {
      const patch: ImportAccumulator['tagPatches'][number] = { tags: tagMap(doc['TagSet']), file, kind };
      const b = str(doc['Bucket']);
      if (b) patch.bucket = b;
      acc.tagPatches.push(patch);
      n = 1;
      break;
    }
    case 'aws-get-public-access-block': {
      const cfg = obj(doc['PublicAccessBlockConfiguration']) ?? {};
      const patch: ImportAccumulator['tagPatches'][number] = {
        tags: {},
        attributes: { PublicAccessBlockConfiguration: cfg },
        file,
        kind,
      };
      const b = str(doc['Bucket']);
      if (b) patch.bucket = b;
      acc.tagPatches.push(patch);
      n = 1;
      break;
    }
    case 'aws-get-resources':
      arr(doc['ResourceTagMappingList']).forEach((v, i) => {
        const o = obj(v);
        const arn = str(o?.['ResourceARN']);
        if (!o || !arn) return missing(acc, file, `$.ResourceTagMappingList[${i}]`, 'no ResourceARN');
        const ident = arnIdentity(arn);
        const tags = tagMap(o['Tags']);
        const orphanResource = ident
          ? resource({ type: ident.type, id: ident.id, arn, attributes: o, tags }, kind, file)
          : undefined;
        acc.tagPatches.push({ arn, tags, file, kind, ...(orphanResource ? { orphanResource } : {}) });
        n++;
      });
      break;
    case 'aws-describe-nat-gateways':
      acc.scannedTypes.add('aws_nat_gateway');
      arr(doc['NatGateways']).forEach((v, i) => {
        const o = obj(v);
        const id = str(o?.['NatGatewayId']);
        if (!o || !id) return missing(acc, file, `$.NatGateways[${i}]`, 'no NatGatewayId');
        add(
          resource(
            {
              type: 'aws_nat_gateway',
              id,
              attributes: o,
              tags: tagMap(o['Tags']),
              state: str(o['State']),
              createdAt: str(o['CreateTime']),
            },
            kind,
            file,
          ),
        );
      });
      break;
    case 'aws-list-certificates':
      acc.scannedTypes.add('aws_acm_certificate');
      arr(doc['CertificateSummaryList']).forEach((v, i) => {
        const o = obj(v);
        const arn = str(o?.['CertificateArn']);
        if (!o || !arn) return missing(acc, file, `$.CertificateSummaryList[${i}]`, 'no CertificateArn');
        add(certificate(o, arn, kind, file));
      });
      break;
    case 'aws-describe-certificate': {
      const o = obj(doc['Certificate']) ?? {};
      const arn = str(o['CertificateArn']) ?? '';
      add(certificate(o, arn, kind, file));
      break;
    }
    case 'aws-get-metric-statistics': {
      const datapoints = arr(doc['Datapoints'])
        .map((d) => datapoint(obj(d) ?? {}))
        .filter((d): d is Datapoint => d !== undefined)
        .sort((a, b) => a.timestamp.localeCompare(b.timestamp));
      const series: ImportAccumulator['metrics'][number] = {
        metric: str(doc['Label']) ?? 'unknown',
        datapoints,
        source: { kind, file },
      };
      const unit = datapoints.length ? str(obj(arr(doc['Datapoints'])[0])?.['Unit']) : undefined;
      if (unit) series.unit = unit;
      const rid = dimensionResourceId(doc['Dimensions']) ?? str(doc['ResourceId']);
      if (rid) series.resourceId = rid;
      acc.metrics.push(series);
      n = datapoints.length;
      break;
    }
    case 'aws-get-metric-data':
      arr(doc['MetricDataResults']).forEach((v) => {
        const o = obj(v);
        if (!o) return;
        const ts = arr(o['Timestamps']);
        const vals = arr(o['Values']);
        const datapoints: Datapoint[] = [];
        ts.forEach((t, k) => {
          const iso = isoTime(t);
          const val = num(vals[k]);
          if (iso && val !== undefined)
            datapoints.push({ timestamp: iso, value: val, average: val, maximum: val });
        });
        datapoints.sort((a, b) => a.timestamp.localeCompare(b.timestamp));
        const label = str(o['Label']) ?? str(o['Id']) ?? 'unknown';
        acc.metrics.push({ metric: label, datapoints, source: { kind, file } });
        n += datapoints.length;
      });
      break;
    default:
      break;
  }
  return n;
}

function certificate(o: JsonObject, arn: string, kind: ImportKind, file: string): EstateResource {
  const domain = str(o['DomainName']);
  const notAfter = str(o['NotAfter']);
  const attributes: JsonObject = { ...o };
  if (notAfter) attributes['NotAfter'] = notAfter;
  return resource(
    {
      type: 'aws_acm_certificate',
      id: arn,
      arn,
      name: domain,
      attributes,
      tags: tagMap(o['Tags']),
      state: str(o['Status']),
      createdAt: str(o['CreatedAt']) ?? str(o['IssuedAt']),
    },
    kind,
    file,
  );
}

function datapoint(o: JsonObject): Datapoint | undefined {
  const timestamp = isoTime(o['Timestamp']);
  if (!timestamp) return undefined;
  const d: Datapoint = { timestamp };
  const set = (k: 'average' | 'maximum' | 'minimum' | 'sum' | 'sampleCount', src: string) => {
    const v = num(o[src]);
    if (v !== undefined) d[k] = v;
  };
  set('average', 'Average');
  set('maximum', 'Maximum');
  set('minimum', 'Minimum');
  set('sum', 'Sum');
  set('sampleCount', 'SampleCount');
  const ext = obj(o['ExtendedStatistics']);
  if (ext) {
    d.extended = {};
    for (const [k, v] of Object.entries(ext)) if (typeof v === 'number') d.extended[k] = v;
  }
  return d;
}

const DIMENSION_IDS = [
  'InstanceId',
  'VolumeId',
  'LoadBalancer',
  'LoadBalancerName',
  'NatGatewayId',
  'DBInstanceIdentifier',
  'BucketName',
];

function dimensionResourceId(dims: Json | undefined): string | undefined {
  for (const d of arr(dims)) {
    const o = obj(d);
    const name = str(o?.['Name']);
    if (name && DIMENSION_IDS.includes(name)) return str(o?.['Value']);
  }
  return undefined;
}
