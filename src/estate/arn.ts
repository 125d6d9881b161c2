export interface Arn {
  partition: string;
  service: string;
  region: string;
  account: string;
  /** Everything after the account: `volume/vol-1`, `db:mydb`, `loadbalancer/app/x/y`, `my-bucket`. */
  resource: string;
}

export function parseArn(arn: string): Arn | undefined {
  const m = /^arn:([^:]+):([^:]+):([^:]*):([^:]*):(.+)$/.exec(arn);
  if (!m) return undefined;
  return {
    partition: m[1] ?? '',
    service: m[2] ?? '',
    region: m[3] ?? '',
    account: m[4] ?? '',
    resource: m[5] ?? '',
  };
}

/**
 * The Terraform type and the estate id an ARN denotes, for the resource kinds the estate knows;
 * other ARNs map to `aws_<service>_<resource type>` with the ARN as id.
 */
export function arnIdentity(arn: string): { type: string; id: string } | undefined {
  const a = parseArn(arn);
  if (!a) return undefined;
  const [rtype = '', ...rest] = a.resource.split(/[/:]/);
  const tail = rest.join('/');
  switch (a.service) {
    case 'ec2': {
      const byType: Record<string, string> = {
        instance: 'aws_instance',
        volume: 'aws_ebs_volume',
        snapshot: 'aws_ebs_snapshot',
        'elastic-ip': 'aws_eip',
        natgateway: 'aws_nat_gateway',
      };
      const t = byType[rtype];
      if (t) return { type: t, id: tail };
      break;
    }
    case 'elasticloadbalancing':
      if (rtype === 'loadbalancer') {
        if (rest[0] === 'app' || rest[0] === 'net' || rest[0] === 'gwy') return { type: 'aws_lb', id: arn };
        return { type: 'aws_elb', id: tail };
      }
      break;
    case 'rds':
      if (rtype === 'db') return { type: 'aws_db_instance', id: tail };
      break;
    case 's3':
      if (!a.resource.includes('/')) return { type: 'aws_s3_bucket', id: a.resource };
      break;
    case 'acm':
      return { type: 'aws_acm_certificate', id: arn };
    default:
      break;
  }
  const safe = (s: string) => s.replace(/[^a-zA-Z0-9]+/g, '_').toLowerCase();
  return { type: `aws_${safe(a.service)}${rtype && rest.length ? `_${safe(rtype)}` : ''}`, id: arn };
}
