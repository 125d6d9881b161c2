import { arr, obj, str, tagMap } from '../json.js';
import type { EstateResource, Json, JsonObject } from '../model.js';
import type { ImportAccumulator } from './accumulator.js';

/** Azure Resource Manager types to Terraform azurerm types, for the common ones. */
export const AZURE_TYPES: Record<string, string> = {
  'microsoft.compute/virtualmachines': 'azurerm_virtual_machine',
  'microsoft.compute/disks': 'azurerm_managed_disk',
  'microsoft.compute/snapshots': 'azurerm_snapshot',
  'microsoft.network/publicipaddresses': 'azurerm_public_ip',
  'microsoft.network/loadbalancers': 'azurerm_lb',
  'microsoft.network/networksecuritygroups': 'azurerm_network_security_group',
  'microsoft.network/virtualnetworks': 'azurerm_virtual_network',
  'microsoft.network/networkinterfaces': 'azurerm_network_interface',
  'microsoft.storage/storageaccounts': 'azurerm_storage_account',
  'microsoft.keyvault/vaults': 'azurerm_key_vault',
  'microsoft.sql/servers': 'azurerm_mssql_server',
  'microsoft.web/sites': 'azurerm_linux_web_app',
  'microsoft.resources/resourcegroups': 'azurerm_resource_group',
};

/** Cloud Asset Inventory asset types to Terraform google types, for the common ones. */
export const GCP_TYPES: Record<string, string> = {
  'compute.googleapis.com/Instance': 'google_compute_instance',
  'compute.googleapis.com/Disk': 'google_compute_disk',
  'compute.googleapis.com/Snapshot': 'google_compute_snapshot',
  'compute.googleapis.com/Address': 'google_compute_address',
  'compute.googleapis.com/GlobalAddress': 'google_compute_global_address',
  'compute.googleapis.com/Firewall': 'google_compute_firewall',
  'compute.googleapis.com/Network': 'google_compute_network',
  'compute.googleapis.com/Subnetwork': 'google_compute_subnetwork',
  'storage.googleapis.com/Bucket': 'google_storage_bucket',
  'sqladmin.googleapis.com/Instance': 'google_sql_database_instance',
  'container.googleapis.com/Cluster': 'google_container_cluster',
  'bigquery.googleapis.com/Dataset': 'google_bigquery_dataset',
};

/** `az graph query -q "Resources | project id, name, type, location, tags, subscriptionId, properties"` output. */
export function importAzureGraph(doc: Json, file: string, acc: ImportAccumulator): number {
  const rows = Array.isArray(doc) ? doc : arr(obj(doc)?.['data']);
  const base = Array.isArray(doc) ? '$' : '$.data';
  let n = 0;
  rows.forEach((row, i) => {
    const o = obj(row);
    const id = str(o?.['id']);
    const type = str(o?.['type']);
    if (!o || !id || !type) {
      acc.diagnostics.push({
        severity: 'warning',
        file,
        path: `${base}[${i}]`,
        message: 'Resource Graph row without id or type; skipped',
      });
      return;
    }
    const tfType = AZURE_TYPES[type.toLowerCase()] ?? type.toLowerCase();
    acc.scannedTypes.add(tfType);
    const r: EstateResource = {
      provider: 'azure',
      type: tfType,
      id,
      tags: tagMap(o['tags']),
      attributes: o,
      source: { kind: 'azure-resource-graph', file },
    };
    const sub = str(o['subscriptionId']) ?? /\/subscriptions\/([^/]+)/i.exec(id)?.[1];
    if (sub) r.account = sub;
    const loc = str(o['location']);
    if (loc) r.region = loc;
    const name = str(o['name']);
    if (name) r.name = name;
    const state =
      str(obj(o['properties'])?.['diskState']) ??
      str(obj(obj(o['properties'])?.['extended'])?.['instanceView']) ??
      str(obj(o['properties'])?.['provisioningState']);
    if (state) r.state = state;
    const created = str(obj(o['properties'])?.['timeCreated']);
    if (created) r.createdAt = created;
    acc.resources.push(r);
    n++;
  });
  return n;
}

/** One Cloud Asset Inventory asset (a line of `gcloud asset export --content-type=resource` output). */
export function importGcpAsset(doc: JsonObject, file: string, line: number, acc: ImportAccumulator): number {
  const name = str(doc['name']);
  const assetType = str(doc['assetType']);
  if (!name || !assetType) {
    acc.diagnostics.push({
      severity: 'warning',
      file,
      path: `line ${line}`,
      message: 'asset without name or assetType; skipped',
    });
    return 0;
  }
  const data = obj(obj(doc['resource'])?.['data']) ?? {};
  const tfType = GCP_TYPES[assetType] ?? assetType;
  acc.scannedTypes.add(tfType);
  const labels = tagMap(doc['labels'] ?? data['labels']);
  const r: EstateResource = {
    provider: 'gcp',
    type: tfType,
    id: name,
    tags: labels,
    attributes: data,
    source: { kind: 'gcp-asset-inventory', file },
  };
  const project = /\/projects\/([^/]+)/.exec(name)?.[1];
  if (project) r.account = project;
  const loc =
    str(obj(doc['resource'])?.['location']) ?? /\/(?:zones|regions|locations)\/([^/]+)/.exec(name)?.[1];
  if (loc) r.region = loc;
  const short = str(data['name']) ?? name.split('/').pop();
  if (short) r.name = short;
  const state = str(data['status']);
  if (state) r.state = state;
  const created = str(data['creationTimestamp']) ?? str(data['timeCreated']);
  if (created) r.createdAt = created;
  acc.resources.push(r);
  return 1;
}
