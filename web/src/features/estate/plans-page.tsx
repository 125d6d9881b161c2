import {
  Alert,
  Anchor,
  Badge,
  Button,
  Card,
  Checkbox,
  Group,
  Loader,
  Stack,
  Table,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useMemo, useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { describeError } from '../../lib/api.js';
import { hasPermission, useSessionUser } from '../../lib/auth.js';
import { formatDateTime } from '../../lib/format.js';
import { useCreatePlan, usePlans, useWaste, type EstateFinding, type PlanStatus } from './api.js';
import { categoryLabel, formatUsd } from './format.js';

export const PLAN_STATUS_COLOR: Record<PlanStatus, string> = {
  draft: 'yellow',
  approved: 'green',
  rejected: 'red',
  completed: 'gray',
};

export function PlanStatusBadge({ status }: { status: PlanStatus }) {
  return (
    <Badge color={PLAN_STATUS_COLOR[status]} variant="light" data-testid="plan-status">
      {status === 'draft' ? 'awaiting approval' : status}
    </Badge>
  );
}

function PlansTable() {
  const plans = usePlans();
  if (plans.isPending) return <Loader size="sm" />;
  if (plans.isError)
    return (
      <Alert color="red" title="Plans could not be loaded">
        {describeError(plans.error)}
      </Alert>
    );
  if (plans.data.length === 0)
    return (
      <Text size="sm" c="dimmed">
        No decommission plan yet. Select waste findings below to draft one.
      </Text>
    );
  return (
    <Table.ScrollContainer minWidth={760}>
      <Table striped highlightOnHover aria-label="Decommission plans">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>#</Table.Th>
            <Table.Th>Title</Table.Th>
            <Table.Th>Status</Table.Th>
            <Table.Th>Author</Table.Th>
            <Table.Th>Created</Table.Th>
            <Table.Th ta="right">Resources</Table.Th>
            <Table.Th ta="right">Saves / month</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {plans.data.map((p) => (
            <Table.Tr key={p.id}>
              <Table.Td>{p.number}</Table.Td>
              <Table.Td>
                <Anchor component={Link} to={`/estate/plans/${encodeURIComponent(p.id)}`} size="sm">
                  {p.title}
                </Anchor>
              </Table.Td>
              <Table.Td>
                <PlanStatusBadge status={p.status} />
              </Table.Td>
              <Table.Td>{p.author.username}</Table.Td>
              <Table.Td>{formatDateTime(p.createdAt)}</Table.Td>
              <Table.Td ta="right">{p.items.length}</Table.Td>
              <Table.Td ta="right">{formatUsd(p.monthlySaving)}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}

/** Waste findings of the latest snapshot with checkboxes; the selection becomes a plan. */
function NewPlan({ canWrite }: { canWrite: boolean }) {
  const waste = useWaste();
  const create = useCreatePlan();
  const navigate = useNavigate();
  const [selected, setSelected] = useState<ReadonlySet<string>>(new Set());
  const [title, setTitle] = useState('');
  const findings = useMemo(() => waste.data ?? [], [waste.data]);
  const chosen = findings.filter((f) => selected.has(f.id));
  const total = chosen.reduce((s, f) => s + (f.monthlySaving ?? 0), 0);

  const toggle = (f: EstateFinding, on: boolean) =>
    setSelected((prev) => {
      const next = new Set(prev);
      if (on) next.add(f.id);
      else next.delete(f.id);
      return next;
    });

  const submit = () =>
    create.mutate(
      { title: title.trim() || `Decommission ${chosen.length} resources`, findingIds: [...selected] },
      {
        onSuccess: (plan) => {
          notifications.show({
            color: 'green',
            message: `Plan #${plan.number} drafted; it now needs approval`,
          });
          void navigate(`/estate/plans/${encodeURIComponent(plan.id)}`);
        },
        onError: (e) =>
          notifications.show({ color: 'red', title: 'The plan was not created', message: describeError(e) }),
      },
    );

  if (waste.isPending) return <Loader size="sm" />;
  if (waste.isError)
    return (
      <Alert color="red" title="Waste findings could not be loaded">
        {describeError(waste.error)}
      </Alert>
    );
  if (findings.length === 0)
    return (
      <Text size="sm" c="dimmed">
        The latest snapshot has no waste finding.
      </Text>
    );
  const allOn = chosen.length === findings.length;
  return (
    <Stack>
      <Table.ScrollContainer minWidth={860}>
        <Table striped aria-label="Waste findings">
          <Table.Thead>
            <Table.Tr>
              <Table.Th w={40}>
                <Checkbox
                  aria-label="Select every finding"
                  checked={allOn}
                  indeterminate={chosen.length > 0 && !allOn}
                  disabled={!canWrite}
                  onChange={(e) =>
                    setSelected(e.currentTarget.checked ? new Set(findings.map((f) => f.id)) : new Set())
                  }
                />
              </Table.Th>
              <Table.Th>Category</Table.Th>
              <Table.Th>Resource</Table.Th>
              <Table.Th>What</Table.Th>
              <Table.Th ta="right">Saves / month</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {findings.map((f) => (
              <Table.Tr key={f.id} data-finding-id={f.id}>
                <Table.Td>
                  <Checkbox
                    aria-label={`Select ${f.resourceId} (${f.category})`}
                    checked={selected.has(f.id)}
                    disabled={!canWrite}
                    onChange={(e) => toggle(f, e.currentTarget.checked)}
                  />
                </Table.Td>
                <Table.Td>
                  <Badge variant="light" color="orange" size="sm">
                    {categoryLabel(f.category)}
                  </Badge>
                </Table.Td>
                <Table.Td>
                  <Anchor
                    component={Link}
                    to={`/estate/resources/${encodeURIComponent(f.resourceKey)}`}
                    size="sm"
                  >
                    {f.resourceId}
                  </Anchor>
                  <Text size="xs" c="dimmed" ff="monospace">
                    {f.resourceType}
                    {f.region ? ` · ${f.region}` : ''}
                  </Text>
                </Table.Td>
                <Table.Td>
                  <Text size="sm">{f.message}</Text>
                </Table.Td>
                <Table.Td ta="right">{formatUsd(f.monthlySaving)}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
      {canWrite ? (
        <Group align="flex-end">
          <TextInput
            label="Plan title"
            placeholder={`Decommission ${chosen.length || 'the selected'} resources`}
            value={title}
            onChange={(e) => setTitle(e.currentTarget.value)}
            w={360}
          />
          <Button disabled={chosen.length === 0} loading={create.isPending} onClick={submit}>
            Create plan from {chosen.length} {chosen.length === 1 ? 'finding' : 'findings'} (
            {formatUsd(total)}/mo)
          </Button>
        </Group>
      ) : (
        <Text size="sm" c="dimmed">
          Drafting a plan needs the estate:write permission (engineer role or above).
        </Text>
      )}
    </Stack>
  );
}

export function PlansPage() {
  const { data: user } = useSessionUser();
  return (
    <Stack>
      <Card withBorder padding="md">
        <Title order={2} size="h4" mb="xs">
          Decommission plans
        </Title>
        <Text size="sm" c="dimmed" mb="sm">
          A plan lists what to remove, the commands to run and how to roll back. Someone other than its author
          must approve it; opsdeck never deletes anything itself.
        </Text>
        <PlansTable />
      </Card>
      <Card withBorder padding="md">
        <Title order={2} size="h4" mb="xs">
          Draft a plan from waste findings
        </Title>
        <NewPlan canWrite={hasPermission(user, 'estate:write')} />
      </Card>
    </Stack>
  );
}
