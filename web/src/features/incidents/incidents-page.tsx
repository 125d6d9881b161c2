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
  Title,
} from '@mantine/core';
import { IconChecks, IconChevronDown } from '@tabler/icons-react';
import { Link, useSearchParams } from 'react-router';
import { describeError } from '../../lib/api.js';
import { useSessionUser } from '../../lib/auth.js';
import { formatDateTime } from '../../lib/format.js';
import {
  INCIDENT_STATUSES,
  SEVERITIES,
  useIncidentCounts,
  useIncidents,
  useServices,
  type IncidentFilters,
  type IncidentStatus,
  type Severity,
} from './api.js';
import { SEVERITY_COLOR, STATUS_COLOR, formatAge } from './format.js';
import { useUserNames } from './user-names.js';

function pick<T extends string>(value: string | null, allowed: readonly T[]): T | undefined {
  return value !== null && (allowed as readonly string[]).includes(value) ? (value as T) : undefined;
}

/**
 * The incident list: filters live in the URL (`?status=&severity=&service=`), refreshed every 5 s;
 * older incidents are loaded 50 at a time with the API's cursor (a filter change starts over).
 */
export function IncidentsPage() {
  const [params, setParams] = useSearchParams();
  const { data: user } = useSessionUser();
  const names = useUserNames(user);
  const filters: IncidentFilters = {
    status: pick<IncidentStatus>(params.get('status'), INCIDENT_STATUSES),
    severity: pick<Severity>(params.get('severity'), SEVERITIES),
    serviceId: params.get('service') ?? undefined,
  };
  const incidents = useIncidents(filters);
  // Pages can overlap by an incident or two while new ones arrive between two page fetches.
  const seen = new Set<string>();
  const items = (incidents.data?.pages ?? [])
    .flatMap((p) => p.items)
    .filter((i) => (seen.has(i.id) ? false : (seen.add(i.id), true)));
  const counts = useIncidentCounts({ severity: filters.severity, serviceId: filters.serviceId });
  const services = useServices();
  const serviceName = (id: string) => services.data?.find((s) => s.id === id)?.name ?? id;

  const setFilter = (key: string, value: string | null) => {
    const next = new URLSearchParams(params);
    if (value) next.set(key, value);
    else next.delete(key);
    setParams(next, { replace: true });
  };

  return (
    <Stack>
      <Group justify="space-between" align="flex-end">
        <div>
          <Title order={2}>Alerts &amp; Incidents</Title>
          <Text c="dimmed" size="sm">
            Alerts from your monitoring, grouped into incidents: who was paged, who acknowledged, what was
            done.
          </Text>
        </div>
        <Group gap="xs" data-testid="incident-counts">
          {INCIDENT_STATUSES.map((s) => {
            const c = counts.data?.[s];
            return (
              <Button
                key={s}
                size="xs"
                variant={filters.status === s ? 'filled' : 'light'}
                color={STATUS_COLOR[s]}
                onClick={() => setFilter('status', filters.status === s ? null : s)}
                aria-pressed={filters.status === s}
              >
                {s}: {c ? `${c.count}${c.more ? '+' : ''}` : '…'}
              </Button>
            );
          })}
        </Group>
      </Group>

      <Group gap="sm" align="flex-end">
        <Select
          label="Status"
          placeholder="Any"
          clearable
          w={170}
          data={INCIDENT_STATUSES.map((s) => ({ value: s, label: s }))}
          value={filters.status ?? null}
          onChange={(v) => setFilter('status', v)}
        />
        <Select
          label="Severity"
          placeholder="Any"
          clearable
          w={170}
          data={SEVERITIES.map((s) => ({ value: s, label: s }))}
          value={filters.severity ?? null}
          onChange={(v) => setFilter('severity', v)}
        />
        <Select
          label="Service"
          placeholder="Any"
          clearable
          searchable
          w={220}
          data={(services.data ?? []).map((s) => ({ value: s.id, label: s.name }))}
          value={filters.serviceId ?? null}
          onChange={(v) => setFilter('service', v)}
        />
        {incidents.isFetching && <Loader size="xs" aria-label="Refreshing" />}
      </Group>

      {incidents.isPending && <Loader />}
      {incidents.isError && !incidents.isFetchNextPageError && (
        <Alert color="red" title="Incidents could not be loaded" role="alert">
          {describeError(incidents.error)}
        </Alert>
      )}
      {incidents.data && items.length === 0 && (
        <Alert icon={<IconChecks size={18} />} color="green" title="No incidents">
          Nothing matches these filters. Incidents appear here a few seconds after an integration receives a
          firing alert; set one up under{' '}
          <Anchor component={Link} to="/integrations">
            Integrations
          </Anchor>
          .
        </Alert>
      )}
      {incidents.data && items.length > 0 && (
        <Table.ScrollContainer minWidth={900}>
          <Table striped highlightOnHover aria-label="Incidents">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>#</Table.Th>
                <Table.Th>Title</Table.Th>
                <Table.Th>Severity</Table.Th>
                <Table.Th>Status</Table.Th>
                <Table.Th>Service</Table.Th>
                <Table.Th>Alerts</Table.Th>
                <Table.Th>Assignee</Table.Th>
                <Table.Th>Opened</Table.Th>
                <Table.Th>Age</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {items.map((i) => (
                <Table.Tr key={i.id} data-testid="incident-row">
                  <Table.Td>{i.number}</Table.Td>
                  <Table.Td>
                    <Group gap={6} wrap="nowrap">
                      <Anchor component={Link} to={`/incidents/${encodeURIComponent(i.id)}`} fw={500}>
                        {i.title}
                      </Anchor>
                      {i.silenced && (
                        <Badge size="xs" color="gray" variant="outline">
                          silenced
                        </Badge>
                      )}
                    </Group>
                  </Table.Td>
                  <Table.Td>
                    <Badge color={SEVERITY_COLOR[i.severity]} variant="filled" size="sm">
                      {i.severity}
                    </Badge>
                  </Table.Td>
                  <Table.Td>
                    <Badge color={STATUS_COLOR[i.status]} variant="light" size="sm">
                      {i.status}
                    </Badge>
                  </Table.Td>
                  <Table.Td>{serviceName(i.serviceId)}</Table.Td>
                  <Table.Td>
                    {i.firingCount}/{i.alertCount} firing
                  </Table.Td>
                  <Table.Td>{names.nameOf(i.assigneeId)}</Table.Td>
                  <Table.Td>{formatDateTime(i.createdAt)}</Table.Td>
                  <Table.Td>{formatAge(i.createdAt, i.resolvedAt)}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      {incidents.data && items.length > 0 && (
        <Group justify="space-between" data-testid="incident-paging">
          <Text size="sm" c="dimmed" data-testid="incident-shown">
            {incidents.hasNextPage
              ? `Showing the newest ${items.length} incidents`
              : `All ${items.length} matching incident${items.length === 1 ? '' : 's'} shown`}
          </Text>
          {incidents.hasNextPage && (
            <Button
              variant="light"
              leftSection={<IconChevronDown size={16} />}
              loading={incidents.isFetchingNextPage}
              onClick={() => void incidents.fetchNextPage()}
            >
              Load 50 older
            </Button>
          )}
        </Group>
      )}
      {incidents.isFetchNextPageError && (
        <Alert color="red" title="Older incidents could not be loaded" role="alert">
          {describeError(incidents.error)}
        </Alert>
      )}
    </Stack>
  );
}
