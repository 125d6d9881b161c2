import {
  Alert,
  Anchor,
  Badge,
  Button,
  Group,
  Loader,
  Select,
  Stack,
  Table,
  Text,
  TextInput,
} from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { IconSearch } from '@tabler/icons-react';
import { useEffect, useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { describeError } from '../../lib/api.js';
import { useResources, type EstateResource, type ResourceQuery } from './api.js';
import { formatUsd } from './format.js';

const PAGE_SIZE = 50;
const FILTERS = ['q', 'type', 'account', 'provider', 'managed', 'compliant'] as const;
type FilterKey = (typeof FILTERS)[number];

export function CoverageBadge({ coverage }: { coverage: EstateResource['coverage'] }) {
  const color = coverage === 'managed' ? 'green' : coverage === 'ignored' ? 'gray' : 'orange';
  return (
    <Badge color={color} variant="light" size="sm">
      {coverage}
    </Badge>
  );
}

export function ComplianceBadge({ resource }: { resource: EstateResource }) {
  if (resource.compliant)
    return (
      <Badge color="green" variant="light" size="sm">
        compliant
      </Badge>
    );
  const n = resource.missingTags.length + resource.badTags.length;
  return (
    <Badge color="red" variant="light" size="sm">
      {n} tag {n === 1 ? 'problem' : 'problems'}
    </Badge>
  );
}

function toQuery(params: URLSearchParams, cursor: string | undefined): ResourceQuery {
  const q: ResourceQuery = { limit: PAGE_SIZE };
  const get = (k: FilterKey) => params.get(k) || undefined;
  const text = get('q');
  if (text) q.q = text;
  const type = get('type');
  if (type) q.type = type;
  const account = get('account');
  if (account) q.account = account;
  const provider = get('provider');
  if (provider) q.provider = provider;
  const managed = get('managed');
  if (managed === 'true' || managed === 'false') q.managed = managed;
  const compliant = get('compliant');
  if (compliant === 'true' || compliant === 'false') q.compliant = compliant;
  if (cursor) q.cursor = cursor;
  return q;
}

/** The resource explorer: search and filters kept in the URL, cursor pages. */
export function ResourcesPage() {
  const [params, setParams] = useSearchParams();
  const [text, setText] = useState(params.get('q') ?? '');
  const [debounced] = useDebouncedValue(text, 300);
  // Cursors of the pages before the current one; the current page's cursor is the last entry.
  const [cursors, setCursors] = useState<Array<string | undefined>>([undefined]);

  const setFilter = (key: FilterKey, value: string | null) => {
    const next = new URLSearchParams(params);
    if (value) next.set(key, value);
    else next.delete(key);
    setParams(next, { replace: true });
    setCursors([undefined]);
  };

  useEffect(() => {
    if ((params.get('q') ?? '') !== debounced) setFilter('q', debounced.trim() || null);
    // Only the debounced text triggers this; setFilter reads the current params.
  }, [debounced]);

  const cursor = cursors[cursors.length - 1];
  const resources = useResources(toQuery(params, cursor));

  return (
    <Stack>
      <Group align="flex-end" gap="sm">
        <TextInput
          label="Search"
          placeholder="id, name, ARN, Terraform address or tag=value"
          leftSection={<IconSearch size={16} />}
          value={text}
          onChange={(e) => setText(e.currentTarget.value)}
          w={320}
        />
        <TextInput
          label="Type"
          placeholder="aws_ebs_volume"
          defaultValue={params.get('type') ?? ''}
          onBlur={(e) => setFilter('type', e.currentTarget.value.trim() || null)}
          onKeyDown={(e) => e.key === 'Enter' && setFilter('type', e.currentTarget.value.trim() || null)}
          w={180}
        />
        <TextInput
          label="Account"
          placeholder="123456789012"
          defaultValue={params.get('account') ?? ''}
          onBlur={(e) => setFilter('account', e.currentTarget.value.trim() || null)}
          onKeyDown={(e) => e.key === 'Enter' && setFilter('account', e.currentTarget.value.trim() || null)}
          w={160}
        />
        <Select
          label="Provider"
          placeholder="any"
          clearable
          value={params.get('provider')}
          onChange={(v) => setFilter('provider', v)}
          data={['aws', 'azure', 'gcp']}
          w={110}
        />
        <Select
          label="IaC"
          placeholder="any"
          clearable
          value={params.get('managed')}
          onChange={(v) => setFilter('managed', v)}
          data={[
            { value: 'true', label: 'managed' },
            { value: 'false', label: 'unmanaged' },
          ]}
          w={130}
        />
        <Select
          label="Tags"
          placeholder="any"
          clearable
          value={params.get('compliant')}
          onChange={(v) => setFilter('compliant', v)}
          data={[
            { value: 'true', label: 'compliant' },
            { value: 'false', label: 'non-compliant' },
          ]}
          w={140}
        />
      </Group>

      {resources.isPending && <Loader size="sm" />}
      {resources.isError && (
        <Alert color="red" title="Resources could not be loaded">
          {describeError(resources.error)}
        </Alert>
      )}
      {resources.data && resources.data.items.length === 0 && (
        <Alert title="No resource matches">
          {FILTERS.some((k) => params.get(k))
            ? 'Change or clear the filters above.'
            : 'The latest snapshot holds no live resource. Push one from the Overview tab instructions.'}
        </Alert>
      )}
      {resources.data && resources.data.items.length > 0 && (
        <>
          <Table.ScrollContainer minWidth={900}>
            <Table striped highlightOnHover aria-label="Resources">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Resource</Table.Th>
                  <Table.Th>Type</Table.Th>
                  <Table.Th>Account / region</Table.Th>
                  <Table.Th>IaC</Table.Th>
                  <Table.Th>Tags</Table.Th>
                  <Table.Th>Owner</Table.Th>
                  <Table.Th ta="right">Cost / month</Table.Th>
                  <Table.Th ta="right">Findings</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {resources.data.items.map((r) => (
                  <Table.Tr key={r.key} data-resource-id={r.id}>
                    <Table.Td maw={320}>
                      <Anchor
                        component={Link}
                        to={`/estate/resources/${encodeURIComponent(r.key)}`}
                        size="sm"
                      >
                        {r.name ?? r.id}
                      </Anchor>
                      {r.name && (
                        <Text size="xs" c="dimmed" truncate>
                          {r.id}
                        </Text>
                      )}
                    </Table.Td>
                    <Table.Td>
                      <Text size="sm" ff="monospace">
                        {r.type}
                      </Text>
                    </Table.Td>
                    <Table.Td>
                      <Text size="sm">
                        {r.account ?? '—'} / {r.region ?? '—'}
                      </Text>
                    </Table.Td>
                    <Table.Td>
                      <CoverageBadge coverage={r.coverage} />
                      {r.drift.length > 0 && (
                        <Badge color="yellow" variant="light" size="sm" ml={4}>
                          drift
                        </Badge>
                      )}
                    </Table.Td>
                    <Table.Td>
                      <ComplianceBadge resource={r} />
                    </Table.Td>
                    <Table.Td>{r.owner ?? '—'}</Table.Td>
                    <Table.Td ta="right">{formatUsd(r.monthlyCost)}</Table.Td>
                    <Table.Td ta="right">{r.findings}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
          <Group justify="space-between">
            <Text size="sm" c="dimmed">
              Page {cursors.length}
              {resources.isFetching ? ' (loading…)' : ''}
            </Text>
            <Group gap="xs">
              <Button
                variant="default"
                size="xs"
                disabled={cursors.length <= 1}
                onClick={() => setCursors((c) => c.slice(0, -1))}
              >
                Previous
              </Button>
              <Button
                variant="default"
                size="xs"
                disabled={!resources.data.nextCursor}
                onClick={() => {
                  const next = resources.data.nextCursor;
                  if (next) setCursors((c) => [...c, next]);
                }}
              >
                Next
              </Button>
            </Group>
          </Group>
        </>
      )}
    </Stack>
  );
}
