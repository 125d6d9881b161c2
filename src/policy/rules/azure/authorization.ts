import type { IacResource } from '../../../iac/resource.js';
import { isUnknown } from '../../../iac/terraform/value.js';
import type { Tri } from '../../rule-kit.js';
import { get, strings } from '../../rule-kit.js';
import { and, azurermDoc, azureRule, blockList, Findings, isBroadScope, textAt } from './kit.js';

const ROLE_DEF = 'azurerm_role_definition';
const ASSIGNMENT = 'azurerm_role_assignment';
/** Built-in roles whose actions are `*`. */
const WILDCARD_BUILTINS = new Set(['owner', 'contributor']);

/** Whether a role definition grants `*` actions: true, false or unknown. */
function grantsWildcard(def: IacResource): Tri {
  const perms = blockList(def, 'permissions');
  if (isUnknown(perms)) return 'unknown';
  let unknown = false;
  for (const p of perms) {
    const actions = strings(p['actions']);
    if (actions.values.includes('*')) return true;
    if (actions.unknown) unknown = true;
  }
  return unknown ? 'unknown' : false;
}

/** Whether a role definition is assignable at subscription, management group or root scope. */
function broadlyAssignable(def: IacResource): Tri {
  const assignable = strings(get(def, 'assignable_scopes'));
  const scope = textAt(def, 'scope');
  const scopes = [...assignable.values];
  if (assignable.values.length === 0 && !assignable.unknown && typeof scope === 'string') scopes.push(scope);
  if (scopes.some(isBroadScope)) return true;
  return assignable.unknown || (assignable.values.length === 0 && isUnknown(scope)) ? 'unknown' : false;
}

export const authorizationRules = [
  azureRule(
    {
      id: 'OPS-AZ-IAM-001',
      title: 'Custom role does not grant all actions at subscription scope',
      severity: 'critical',
      family: 'least-privilege',
      resourceTypes: [ROLE_DEF],
      remediation:
        'Replace `permissions { actions = ["*"] }` with the specific operations the role needs (e.g. `"Microsoft.Compute/virtualMachines/read"`), or narrow `assignable_scopes` to a resource group.',
      references: [
        azurermDoc(ROLE_DEF),
        'https://learn.microsoft.com/azure/role-based-access-control/custom-roles',
      ],
      peers: {
        checkov: ['CKV_AZURE_39'],
        trivy: ['AVD-AZU-0030'],
        tfsec: ['azure-authorization-limit-role-actions'],
      },
    },
    (r) => {
      const findings = new Findings();
      const wildcard = grantsWildcard(r);
      const broad = broadlyAssignable(r);
      findings.add(
        and(wildcard, broad),
        'the role grants actions ["*"] and is assignable at subscription (or wider) scope: it is an Owner clone',
        'permissions',
      );
      return findings.result();
    },
  ),
  azureRule(
    {
      id: 'OPS-AZ-IAM-002',
      title: 'No standing all-actions role assignment at subscription scope',
      severity: 'high',
      family: 'least-privilege',
      resourceTypes: [ASSIGNMENT],
      remediation:
        'Assign a narrower built-in or custom role, or the same role at a resource-group scope; use Privileged Identity Management eligible assignments for Owner/Contributor at subscription scope.',
      references: [
        azurermDoc(ASSIGNMENT),
        'https://learn.microsoft.com/azure/role-based-access-control/best-practices',
      ],
      peers: { checkov: [], trivy: [], tfsec: [] },
    },
    (r, ctx) => {
      const findings = new Findings();
      const scope = textAt(r, 'scope');
      const broad: Tri = isUnknown(scope) ? 'unknown' : scope !== undefined && isBroadScope(scope);
      const name = textAt(r, 'role_definition_name');
      let wildcard: Tri = false;
      if (isUnknown(name)) wildcard = 'unknown';
      else if (name !== undefined) wildcard = WILDCARD_BUILTINS.has(name.toLowerCase());
      else {
        for (const def of ctx.graph.referencedBy(r, 'role_definition_id')) {
          if (def.type !== ROLE_DEF) continue;
          const w = grantsWildcard(def);
          if (w === true) wildcard = true;
          else if (w === 'unknown' && wildcard === false) wildcard = 'unknown';
        }
      }
      findings.add(
        and(wildcard, broad),
        `a role with all actions (${typeof name === 'string' ? name : 'custom role with "*"'}) is assigned at subscription (or wider) scope`,
        'role_definition_name' in r.attributes ? 'role_definition_name' : 'role_definition_id',
      );
      return findings.result();
    },
  ),
];
