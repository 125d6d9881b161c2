import {
  Alert,
  Anchor,
  Badge,
  Card,
  Code,
  Group,
  Loader,
  SimpleGrid,
  Stack,
  Table,
  Text,
  Title,
} from '@mantine/core';
import { Link, useParams } from 'react-router';
import { describeError, isApiError } from '../../lib/api.js';
import { formatDateTime } from '../../lib/format.js';
import { useResource, type EstateResource } from './api.js';
import { categoryLabel, formatUsd } from './format.js';
import { ComplianceBadge, CoverageBadge } from './resources-page.js';

function show(v: unknown): string {
  if (v === null || v === undefined) return '—';
  if (typeof v === 'string') return v;
  return JSON.stringify(v);
}

/** Every tag, plus the required keys it lacks; missing and bad keys in red. */
function TagsCard({ resource }: { resource: EstateResource }) {
  const bad = new Map(resource.badTags.map((b) => [b.key, b.value]));
  const entries = Object.entries(resource.tags).sort(([a], [b]) => a.localeCompare(b));
  return (
    <Card withBorder padding="md" data-testid="resource-tags">
      <Group justify="space-between" mb="xs">
        <Text fw={600}>Tags</Text>
        <ComplianceBadge resource={resource} />
      </Group>
      <Table aria-label="Tags" withRowBorders>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Key</Table.Th>
            <Table.Th>Value</Table.Th>
            <Table.Th />
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {resource.missingTags.map((k) => (
            <Table.Tr key={`missing-${k}`} data-tag-state="missing" bg="var(--mantine-color-red-light)">
              <Table.Td>
                <Text size="sm" ff="monospace" c="red" fw={600}>
                  {k}
                </Text>
              </Table.Td>
              <Table.Td>
                <Text size="sm" c="dimmed">
                  —
                </Text>
              </Table.Td>
              <Table.Td>
                <Badge color="red" size="sm">
                  missing
                </Badge>
              </Table.Td>
            </Table.Tr>
          ))}
          {entries.map(([k, v]) => (
            <Table.Tr
              key={k}
              data-tag-state={bad.has(k) ? 'bad' : 'ok'}
              bg={bad.has(k) ? 'var(--mantine-color-red-light)' : undefined}
            >
              <Table.Td>
                <Text
                  size="sm"
                  ff="monospace"
                  c={bad.has(k) ? 'red' : undefined}
                  fw={bad.has(k) ? 600 : undefined}
                >
                  {k}
                </Text>
              </Table.Td>
              <Table.Td>
                <Text size="sm" ff="monospace">
                  {v === '' ? '(empty)' : v}
                </Text>
              </Table.Td>
              <Table.Td>
                {bad.has(k) && (
                  <Badge color="red" size="sm">
                    not allowed
                  </Badge>
                )}
              </Table.Td>
            </Table.Tr>
          ))}
          {entries.length === 0 && resource.missingTags.length === 0 && (
            <Table.Tr>
              <Table.Td colSpan={3}>
                <Text size="sm" c="dimmed">
                  No tags.
                </Text>
              </Table.Td>
            </Table.Tr>
          )}
        </Table.Tbody>
      </Table>
      {resource.remediation && (
        <>
          <Text size="sm" fw={600} mt="sm">
            Remediation (printed, never run by opsdeck)
          </Text>
          <Code block data-testid="resource-remediation">
            {resource.remediation}
          </Code>
        </>
      )}
    </Card>
  );
}

export function ResourceDetailPage() {
  const { key = '' } = useParams();
  const detail = useResource(key);
  if (detail.isPending) return <Loader aria-label="Loading" />;
  if (detail.isError)
    return (
      <Alert
        color="red"
        title={
          isApiError(detail.error) && detail.error.status === 404
            ? 'No such resource'
            : 'Resource could not be loaded'
        }
      >
        <Stack gap="xs">
          <Text size="sm">{describeError(detail.error)}</Text>
          <Anchor component={Link} to="/estate/resources" size="sm">
            Back to the resources
          </Anchor>
        </Stack>
      </Alert>
    );
  const { resource: r, findings, history } = detail.data;
  const saving = findings.reduce((s, f) => s + (f.monthlySaving ?? 0), 0);
  return (
    <Stack data-testid="resource-detail">
      <div>
        <Anchor component={Link} to="/estate/resources" size="sm">
          ← Resources
        </Anchor>
        <Title order={2} size="h4" mt={4}>
          {r.name ?? r.id}
        </Title>
        <Group gap="xs" mt={4}>
          <Code>{r.type}</Code>
          <CoverageBadge coverage={r.coverage} />
          {r.state && (
            <Badge variant="outline" size="sm">
              {r.state}
            </Badge>
          )}
        </Group>
      </div>
      <SimpleGrid cols={{ base: 1, md: 2 }}>
        <Card withBorder padding="md">
          <Text fw={600} mb="xs">
            Identity
          </Text>
          <Table aria-label="Identity" variant="vertical" withRowBorders={false}>
            <Table.Tbody>
              {(
                [
                  ['Cloud id', r.id],
                  ['ARN', r.arn],
                  ['Provider', r.provider],
                  ['Account', r.account],
                  ['Region', r.region],
                  ['Created', r.createdAt ? formatDateTime(r.createdAt) : null],
                  ['Terraform address', r.address],
                  ['Owner', r.owner],
                ] as const
              ).map(([label, value]) => (
                <Table.Tr key={label}>
                  <Table.Th w={160}>{label}</Table.Th>
                  <Table.Td>
                    <Text size="sm" style={{ wordBreak: 'break-all' }}>
                      {value ?? '—'}
                    </Text>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Card>
        <Card withBorder padding="md" data-testid="resource-cost">
          <Text fw={600} mb="xs">
            Cost
          </Text>
          <Text size="sm">
            Catalog price: <strong>{formatUsd(r.monthlyCost)}</strong> per month
          </Text>
          <Text size="sm">
            Billed (FOCUS export): <strong>{formatUsd(r.billedCost)}</strong>
          </Text>
          <Text size="sm">
            Possible saving from findings: <strong>{formatUsd(saving)}</strong> per month
          </Text>
          {history.length > 1 && (
            <>
              <Text fw={600} mt="md" mb={4} size="sm">
                Seen in {history.length} snapshots
              </Text>
              <Table aria-label="History" fz="xs">
                <Table.Tbody>
                  {history.map((h) => (
                    <Table.Tr key={h.snapshotId}>
                      <Table.Td>{formatDateTime(h.takenAt)}</Table.Td>
                      <Table.Td>{h.coverage}</Table.Td>
                      <Table.Td>{h.compliant ? 'compliant' : 'non-compliant'}</Table.Td>
                      <Table.Td>{formatUsd(h.monthlyCost)}</Table.Td>
                      <Table.Td>{h.findings} findings</Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </>
          )}
        </Card>
      </SimpleGrid>
      <TagsCard resource={r} />
      <Card withBorder padding="md" data-testid="resource-drift">
        <Text fw={600} mb="xs">
          Drift between Terraform state and live
        </Text>
        {r.drift.length === 0 ? (
          <Text size="sm" c="dimmed">
            {r.coverage === 'managed'
              ? 'No drift on the attributes that matter.'
              : 'Not in any Terraform state.'}
          </Text>
        ) : (
          <Table aria-label="Drift">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Attribute</Table.Th>
                <Table.Th>In state</Table.Th>
                <Table.Th>Live</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {r.drift.map((d) => (
                <Table.Tr key={d.field}>
                  <Table.Td ff="monospace">{d.field}</Table.Td>
                  <Table.Td ff="monospace">{show(d.state)}</Table.Td>
                  <Table.Td ff="monospace">{show(d.live)}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        )}
      </Card>
      <Card withBorder padding="md" data-testid="resource-findings">
        <Text fw={600} mb="xs">
          Findings
        </Text>
        {findings.length === 0 ? (
          <Text size="sm" c="dimmed">
            No waste or right-sizing finding.
          </Text>
        ) : (
          <Table aria-label="Findings">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Category</Table.Th>
                <Table.Th>What</Table.Th>
                <Table.Th ta="right">Costs / month</Table.Th>
                <Table.Th ta="right">Saves / month</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {findings.map((f) => (
                <Table.Tr key={f.id}>
                  <Table.Td>
                    <Badge variant="light" color={f.kind === 'waste' ? 'orange' : 'blue'} size="sm">
                      {categoryLabel(f.category)}
                    </Badge>
                  </Table.Td>
                  <Table.Td>
                    <Text size="sm">{f.message}</Text>
                  </Table.Td>
                  <Table.Td ta="right">{formatUsd(f.monthlyCost)}</Table.Td>
                  <Table.Td ta="right">{formatUsd(f.monthlySaving)}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        )}
      </Card>
    </Stack>
  );
}
