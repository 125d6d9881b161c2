/**
 * Decommission plan items from waste findings: the commands that would act on each resource
 * (printed for a person to run after approval; opsdeck never runs them), snapshot or image first,
 * and for Terraform-managed resources the HCL change instead of a console action.
 */
import type { EstateFindingRecord, EstateResourceRecord, PlanItem } from '../../../store/estate/index.js';

const q = (s: string) => (/^[A-Za-z0-9_@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`);

/** `module.a.aws_eip.nat[0]` -> `module.a.aws_eip.nat`: a `removed` block names a resource, not an instance. */
export function resourceAddress(address: string): string {
  return address.replace(/\[[^\]]*\]$/, '');
}

function removedBlock(address: string): string {
  const from = resourceAddress(address);
  const note =
    from === address
      ? ''
      : `# ${address} is one instance of ${from}: reduce its count/for_each instead if the others stay.\n`;
  return (
    `${note}# Delete the resource "${from}" block from the configuration, add this, then plan and apply:\n` +
    `removed {\n  from = ${from}\n\n  lifecycle {\n    destroy = true\n  }\n}\n`
  );
}

interface Actions {
  commands: string[];
  terraform: string | null;
  rollback: string;
}

function actionsFor(f: EstateFindingRecord, r: EstateResourceRecord | undefined): Actions {
  const region = f.region ?? r?.region ?? null;
  const reg = region ? ` --region ${q(region)}` : '';
  const id = q(f.resourceId);
  const address = r?.address ?? null;
  const stamp = `opsdeck-decommission-${f.resourceId}`.replace(/[^A-Za-z0-9-]/g, '-');
  const ev = f.evidence;
  switch (f.category) {
    case 'unattached-volume':
    case 'volume-on-stopped-instance': {
      const attached = Array.isArray(ev['instances']) ? (ev['instances'] as string[]) : [];
      return {
        commands: [
          `aws ec2 create-snapshot${reg} --volume-id ${id} --description ${q(stamp)} --tag-specifications 'ResourceType=snapshot,Tags=[{Key=opsdeck-decommission,Value=${f.resourceId}}]'`,
          `aws ec2 wait snapshot-completed${reg} --filters Name=tag:opsdeck-decommission,Values=${id}`,
          ...attached.map((i) => `aws ec2 detach-volume${reg} --volume-id ${id} --instance-id ${q(i)}`),
          `aws ec2 delete-volume${reg} --volume-id ${id}`,
        ],
        terraform: address ? removedBlock(address) : null,
        rollback: `Restore from the snapshot tagged opsdeck-decommission=${f.resourceId}: aws ec2 create-volume${reg} --snapshot-id <snap-id> --availability-zone <az> (then attach it again).`,
      };
    }
    case 'unassociated-eip': {
      const ip = typeof ev['publicIp'] === 'string' ? ev['publicIp'] : undefined;
      return {
        commands: [`aws ec2 release-address${reg} --allocation-id ${id}`],
        terraform: address ? removedBlock(address) : null,
        rollback: `A released address can be recovered only if no one else took it: aws ec2 allocate-address${reg} --domain vpc${ip ? ` --address ${ip}` : ''}.`,
      };
    }
    case 'old-snapshot':
    case 'orphaned-snapshot':
      return {
        commands: [
          `aws ec2 modify-snapshot-tier${reg} --snapshot-id ${id} --storage-tier archive  # optional: archive for 90 days at a quarter of the price instead of deleting`,
          `aws ec2 delete-snapshot${reg} --snapshot-id ${id}`,
        ],
        terraform: address ? removedBlock(address) : null,
        rollback:
          'A deleted snapshot cannot be restored: archive it first (first command) or copy it (aws ec2 copy-snapshot) and keep the copy until the plan is completed.',
      };
    case 'idle-instance':
      return {
        commands: [
          `aws ec2 create-image${reg} --instance-id ${id} --name ${q(stamp)} --no-reboot`,
          `aws ec2 stop-instances${reg} --instance-ids ${id}`,
          `aws ec2 terminate-instances${reg} --instance-ids ${id}  # after an agreed quiet period stopped`,
        ],
        terraform: address ? removedBlock(address) : null,
        rollback: `Start it again while stopped (aws ec2 start-instances --instance-ids ${f.resourceId}); after termination launch from the AMI named ${stamp}.`,
      };
    case 'idle-load-balancer':
      return {
        commands:
          f.resourceType === 'aws_elb'
            ? [
                `aws elb describe-load-balancers${reg} --load-balancer-names ${id} > ${q(`${stamp}.json`)}`,
                `aws elb delete-load-balancer${reg} --load-balancer-name ${id}`,
              ]
            : [
                `aws elbv2 describe-load-balancers${reg} --load-balancer-arns ${id} > ${q(`${stamp}.json`)}`,
                `aws elbv2 describe-listeners${reg} --load-balancer-arn ${id} >> ${q(`${stamp}.json`)}`,
                `aws elbv2 delete-load-balancer${reg} --load-balancer-arn ${id}`,
              ],
        terraform: address ? removedBlock(address) : null,
        rollback: `Recreate it from the saved description (${stamp}.json): same scheme, subnets, security groups and listeners; its DNS name will change.`,
      };
    case 'gp2-to-gp3': {
      const iops = typeof ev['baselineIops'] === 'number' ? Math.max(3000, ev['baselineIops']) : 3000;
      return {
        commands: [
          `aws ec2 create-snapshot${reg} --volume-id ${id} --description ${q(stamp)}`,
          `aws ec2 modify-volume${reg} --volume-id ${id} --volume-type gp3 --iops ${iops}`,
        ],
        terraform: address
          ? `# In ${address}: set\n  type = "gp3"\n  iops = ${iops}\n# then plan and apply (an in-place change).\n`
          : null,
        rollback: `aws ec2 modify-volume${reg} --volume-id ${f.resourceId} --volume-type gp2 (after the 6-hour modification cooldown).`,
      };
    }
    case 'previous-generation':
    case 'downsize': {
      const to =
        typeof ev['suggested'] === 'string'
          ? ev['suggested']
          : typeof ev['suggestedType'] === 'string'
            ? ev['suggestedType']
            : '<type>';
      const from =
        typeof ev['instanceType'] === 'string'
          ? ev['instanceType']
          : typeof ev['currentType'] === 'string'
            ? ev['currentType']
            : '<current type>';
      return {
        commands: [
          `aws ec2 create-image${reg} --instance-id ${id} --name ${q(stamp)} --no-reboot`,
          `aws ec2 stop-instances${reg} --instance-ids ${id}`,
          `aws ec2 wait instance-stopped${reg} --instance-ids ${id}`,
          `aws ec2 modify-instance-attribute${reg} --instance-id ${id} --instance-type Value=${q(to)}`,
          `aws ec2 start-instances${reg} --instance-ids ${id}`,
        ],
        terraform: address
          ? `# In ${address}: set\n  instance_type = "${to}"\n# then plan and apply.\n`
          : null,
        rollback: `Stop it and set the type back: aws ec2 modify-instance-attribute --instance-id ${f.resourceId} --instance-type Value=${from}.`,
      };
    }
    default:
      return {
        commands: [
          `# no command template for ${f.category}; act on ${f.resourceType} ${f.resourceId} by hand`,
        ],
        terraform: address ? removedBlock(address) : null,
        rollback: 'Take a backup of the resource before acting on it.',
      };
  }
}

export function planItem(f: EstateFindingRecord, r: EstateResourceRecord | undefined): PlanItem {
  const a = actionsFor(f, r);
  return {
    findingId: f.id,
    category: f.category,
    resourceKey: f.resourceKey,
    resourceType: f.resourceType,
    resourceId: f.resourceId,
    region: f.region ?? r?.region ?? null,
    account: r?.account ?? null,
    owner: r?.owner ?? null,
    monthlySaving: f.monthlySaving,
    message: f.message,
    address: r?.address ?? null,
    commands: a.commands,
    terraform: a.terraform,
    rollback: a.rollback,
  };
}

export const PLAN_ROLLBACK_NOTE =
  'Snapshot first: every item takes a snapshot, image or saved description before it changes anything, ' +
  'and its rollback says how to restore from it. opsdeck never runs these commands: a person runs them ' +
  'after the plan is approved by someone other than its author, then marks the plan completed. ' +
  'Terraform-managed resources change through Terraform (the HCL shown), never the console.';
