import {
  Alert,
  Anchor,
  Badge,
  Button,
  Card,
  Code,
  Group,
  Loader,
  Stack,
  Text,
  Textarea,
  Title,
  Tooltip,
} from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useState } from 'react';
import { Link, useParams } from 'react-router';
import { describeError, isApiError } from '../../lib/api.js';
import { hasPermission, useSessionUser, type SessionUser } from '../../lib/auth.js';
import { formatDateTime } from '../../lib/format.js';
import { useDecidePlan, usePlan, type EstatePlan, type PlanDecision } from './api.js';
import { categoryLabel, formatUsd } from './format.js';
import { PlanStatusBadge } from './plans-page.js';

/** Why the signed-in user may not approve this plan, or `null` when they may. */
export function approvalBlocker(plan: EstatePlan, user: SessionUser | null | undefined): string | null {
  if (plan.status !== 'draft') return `The plan is ${plan.status}.`;
  if (!hasPermission(user, 'estate:approve'))
    return 'Approving needs the estate:approve permission (approver or admin role).';
  if (user?.id === plan.author.id) return 'You wrote this plan: someone else must approve or reject it.';
  return null;
}

function Decision({ plan }: { plan: EstatePlan }) {
  const { data: user } = useSessionUser();
  const decide = useDecidePlan(plan.id);
  const [note, setNote] = useState('');
  const blocker = approvalBlocker(plan, user);
  const canReject =
    plan.status === 'draft' && hasPermission(user, 'estate:approve') && user?.id !== plan.author.id;
  const canComplete = plan.status === 'approved' && hasPermission(user, 'estate:write');

  const run = (decision: PlanDecision, done: string) =>
    decide.mutate(
      { decision, ...(note.trim() ? { note: note.trim() } : {}) },
      {
        onSuccess: () => {
          setNote('');
          notifications.show({ color: 'green', message: done });
        },
        onError: (e) =>
          notifications.show({
            color: 'red',
            title: isApiError(e) && e.code === 'OPSDECK_E_SELF_APPROVAL' ? 'Not allowed' : 'Failed',
            message: describeError(e),
          }),
      },
    );

  return (
    <Card withBorder padding="md" data-testid="plan-decision">
      <Text fw={600} mb="xs">
        Decision
      </Text>
      {plan.decidedBy && (
        <Text size="sm" mb="xs" data-testid="plan-decided-by">
          {plan.status === 'rejected' ? 'Rejected' : 'Approved'} by <strong>{plan.decidedBy.username}</strong>{' '}
          {formatDateTime(plan.decidedAt)}
          {plan.decisionNote ? `: ${plan.decisionNote}` : ''}
        </Text>
      )}
      {plan.completedAt && (
        <Text size="sm" mb="xs">
          Marked completed {formatDateTime(plan.completedAt)}.
        </Text>
      )}
      {plan.status === 'draft' && (
        <Stack gap="sm">
          <Textarea
            label="Note (optional)"
            placeholder="Why you approve or reject it"
            value={note}
            onChange={(e) => setNote(e.currentTarget.value)}
            autosize
            minRows={2}
            maw={560}
          />
          <Group>
            <Tooltip label={blocker ?? ''} disabled={blocker === null} withArrow>
              {/* A disabled button gets no pointer events; the span keeps the tooltip working. */}
              <span>
                <Button
                  color="green"
                  disabled={blocker !== null}
                  loading={decide.isPending && decide.variables?.decision === 'approve'}
                  onClick={() => run('approve', `Plan #${plan.number} approved`)}
                >
                  Approve
                </Button>
              </span>
            </Tooltip>
            {canReject && (
              <Button
                color="red"
                variant="light"
                loading={decide.isPending && decide.variables?.decision === 'reject'}
                onClick={() => run('reject', `Plan #${plan.number} rejected`)}
              >
                Reject
              </Button>
            )}
          </Group>
          {blocker && (
            <Text size="sm" c="dimmed" data-testid="approve-blocker">
              {blocker}
            </Text>
          )}
        </Stack>
      )}
      {canComplete && (
        <Group>
          <Button
            variant="light"
            loading={decide.isPending && decide.variables?.decision === 'complete'}
            onClick={() => run('complete', `Plan #${plan.number} marked completed`)}
          >
            Mark completed
          </Button>
          <Text size="sm" c="dimmed">
            After the commands below have been run by a person.
          </Text>
        </Group>
      )}
    </Card>
  );
}

export function PlanDetailPage() {
  const { id = '' } = useParams();
  const plan = usePlan(id);
  if (plan.isPending) return <Loader aria-label="Loading" />;
  if (plan.isError)
    return (
      <Alert color="red" title="Plan could not be loaded">
        <Stack gap="xs">
          <Text size="sm">{describeError(plan.error)}</Text>
          <Anchor component={Link} to="/estate/plans" size="sm">
            Back to the plans
          </Anchor>
        </Stack>
      </Alert>
    );
  const p = plan.data;
  return (
    <Stack data-testid="plan-detail">
      <div>
        <Anchor component={Link} to="/estate/plans" size="sm">
          ← Plans
        </Anchor>
        <Group gap="sm" mt={4}>
          <Title order={2} size="h4">
            #{p.number} {p.title}
          </Title>
          <PlanStatusBadge status={p.status} />
        </Group>
        <Text size="sm" c="dimmed">
          Drafted by {p.author.username} {formatDateTime(p.createdAt)}; {p.items.length} resources; saves{' '}
          <strong>{formatUsd(p.monthlySaving)}</strong> per month
          {p.owners.length > 0 ? `; owners: ${p.owners.join(', ')}` : ''}
        </Text>
      </div>
      <Decision plan={p} />
      <Alert color="yellow" title="Rollback">
        <Text size="sm" style={{ whiteSpace: 'pre-wrap' }}>
          {p.rollback}
        </Text>
      </Alert>
      {p.items.map((item, i) => (
        <Card withBorder padding="md" key={item.findingId} data-testid="plan-item">
          <Group justify="space-between" mb={4}>
            <Group gap="xs">
              <Text fw={600}>
                {i + 1}. {item.resourceId}
              </Text>
              <Code>{item.resourceType}</Code>
              <Badge variant="light" color="orange" size="sm">
                {categoryLabel(item.category)}
              </Badge>
            </Group>
            <Text size="sm">saves {formatUsd(item.monthlySaving)}/mo</Text>
          </Group>
          <Text size="sm" c="dimmed" mb="xs">
            {item.message}
            {item.account ? ` · account ${item.account}` : ''}
            {item.region ? ` · ${item.region}` : ''}
            {item.owner ? ` · owner ${item.owner}` : ''}
          </Text>
          {item.commands.length > 0 && (
            <>
              <Text size="xs" fw={600} mb={2}>
                Commands (run by a person after approval)
              </Text>
              <Code block style={{ whiteSpace: 'pre-wrap', wordBreak: 'break-all' }}>
                {item.commands.join('\n')}
              </Code>
            </>
          )}
          {item.terraform && (
            <>
              <Text size="xs" fw={600} mt="xs" mb={2}>
                Terraform{item.address ? ` (${item.address})` : ''}
              </Text>
              <Code block>{item.terraform}</Code>
            </>
          )}
          <Text size="xs" c="dimmed" mt="xs">
            Rollback: {item.rollback}
          </Text>
        </Card>
      ))}
    </Stack>
  );
}
