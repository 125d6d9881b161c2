import {
  Alert,
  Anchor,
  Badge,
  Button,
  Card,
  Code,
  Grid,
  Group,
  Loader,
  Modal,
  Select,
  SimpleGrid,
  Stack,
  Table,
  Text,
  TextInput,
  Textarea,
  Title,
} from '@mantine/core';
import { notifications } from '@mantine/notifications';
import {
  IconArrowBackUp,
  IconBook,
  IconCheck,
  IconCircleCheck,
  IconMessagePlus,
  IconUserShare,
} from '@tabler/icons-react';
import { useState, type KeyboardEvent } from 'react';
import { Link, useParams } from 'react-router';
import { describeError } from '../../lib/api.js';
import { hasPermission, useSessionUser } from '../../lib/auth.js';
import { formatDateTime } from '../../lib/format.js';
import {
  SEVERITIES,
  useIncident,
  useIncidentAction,
  useIncidentRunbooks,
  useServices,
  type IncidentAction,
} from './api.js';
import { SEVERITY_COLOR, STATUS_COLOR, formatAge, formatDuration } from './format.js';
import { IncidentTimeline } from './incident-timeline.js';
import { RunbookMarkdown } from './runbook-markdown.js';
import { useUserNames } from './user-names.js';

type Dialog = 'note' | 'reassign' | 'resolve' | 'reopen' | null;

function Fact({ label, children }: { label: string; children: React.ReactNode }) {
  return (
    <div>
      <Text size="xs" c="dimmed" tt="uppercase" fw={600}>
        {label}
      </Text>
      <Text size="sm" component="div">
        {children}
      </Text>
    </div>
  );
}

/** Ctrl+Enter (Cmd+Enter on a Mac) in a textarea submits its form; Enter alone adds a line. */
function submitOnCtrlEnter(e: KeyboardEvent<HTMLTextAreaElement>) {
  if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
    e.preventDefault();
    e.currentTarget.form?.requestSubmit();
  }
}

export function IncidentPage() {
  const { id = '' } = useParams();
  const { data: user } = useSessionUser();
  const canWrite = hasPermission(user, 'incidents:write');
  const detail = useIncident(id);
  const names = useUserNames(user, detail.data?.users);
  const runbooks = useIncidentRunbooks(id);
  const services = useServices();
  const action = useIncidentAction(id);
  const [dialog, setDialog] = useState<Dialog>(null);
  const [text, setText] = useState('');
  const [assignee, setAssignee] = useState<string | null>(null);

  const run = (a: IncidentAction, done: string) =>
    action.mutate(a, {
      onSuccess: () => {
        setDialog(null);
        setText('');
        notifications.show({ color: 'green', message: done });
      },
      onError: (e) => notifications.show({ color: 'red', title: 'Not done', message: describeError(e) }),
    });

  if (detail.isPending) return <Loader />;
  if (detail.isError) {
    return (
      <Alert color="red" title="Incident could not be loaded" role="alert">
        {describeError(detail.error)}
      </Alert>
    );
  }
  const { incident, alerts, timeline, metrics } = detail.data;
  const serviceName = services.data?.find((s) => s.id === incident.serviceId)?.name ?? incident.serviceId;
  const closeDialog = () => {
    setDialog(null);
    setText('');
  };

  return (
    <Stack>
      <Anchor component={Link} to="/incidents" size="sm">
        ← All incidents
      </Anchor>
      <Group justify="space-between" align="flex-start">
        <div>
          <Text c="dimmed" size="sm">
            Incident #{incident.number}
          </Text>
          <Title order={2} data-testid="incident-title">
            {incident.title}
          </Title>
          <Group gap="xs" mt={6}>
            <Badge color={STATUS_COLOR[incident.status]} variant="light" data-testid="incident-status">
              {incident.status}
            </Badge>
            <Badge color={SEVERITY_COLOR[incident.severity]}>{incident.severity}</Badge>
            {incident.silenced && (
              <Badge color="gray" variant="outline">
                silenced
              </Badge>
            )}
          </Group>
        </div>
        {canWrite && (
          <Group gap="xs">
            {incident.status === 'triggered' && (
              <Button
                leftSection={<IconCheck size={16} />}
                color="yellow"
                loading={action.isPending}
                onClick={() => run({ type: 'acknowledge' }, 'Acknowledged')}
              >
                Acknowledge
              </Button>
            )}
            {incident.status !== 'resolved' && (
              <Button
                leftSection={<IconCircleCheck size={16} />}
                color="green"
                onClick={() => setDialog('resolve')}
              >
                Resolve
              </Button>
            )}
            {incident.status === 'resolved' && (
              <Button
                leftSection={<IconArrowBackUp size={16} />}
                variant="light"
                onClick={() => setDialog('reopen')}
              >
                Reopen
              </Button>
            )}
            <Button
              leftSection={<IconUserShare size={16} />}
              variant="default"
              onClick={() => {
                setAssignee(incident.assigneeId ?? user?.id ?? null);
                setDialog('reassign');
              }}
            >
              Reassign
            </Button>
            <Button
              leftSection={<IconMessagePlus size={16} />}
              variant="default"
              onClick={() => setDialog('note')}
            >
              Add note
            </Button>
          </Group>
        )}
      </Group>

      <Card withBorder>
        <SimpleGrid cols={{ base: 2, sm: 3, lg: 6 }}>
          <Fact label="Service">{serviceName}</Fact>
          <Fact label="Assignee">{names.nameOf(incident.assigneeId)}</Fact>
          <Fact label="Opened">
            {formatDateTime(incident.createdAt)} ({formatAge(incident.createdAt, incident.resolvedAt)})
          </Fact>
          <Fact label="Time to acknowledge">
            <span data-testid="incident-tta">{formatDuration(metrics.ttaSeconds)}</span>
          </Fact>
          <Fact label="Time to resolve">
            <span data-testid="incident-ttr">{formatDuration(metrics.ttrSeconds)}</span>
          </Fact>
          <Fact label="Severity">
            {canWrite ? (
              <Select
                size="xs"
                aria-label="Severity"
                data={SEVERITIES.map((s) => ({ value: s, label: s }))}
                value={incident.severity}
                allowDeselect={false}
                onChange={(v) =>
                  v &&
                  v !== incident.severity &&
                  run({ type: 'severity', severity: v }, `Severity set to ${v}`)
                }
              />
            ) : (
              incident.severity
            )}
          </Fact>
        </SimpleGrid>
        {Object.keys(incident.labels).length > 0 && (
          <Group gap={4} mt="sm">
            {Object.entries(incident.labels).map(([k, v]) => (
              <Badge key={k} variant="outline" color="gray" tt="none" size="sm">
                {k}={v}
              </Badge>
            ))}
          </Group>
        )}
      </Card>

      <Grid>
        <Grid.Col span={{ base: 12, md: 7 }}>
          <Stack>
            <Card withBorder>
              <Title order={4} mb="sm">
                Alerts ({alerts.length})
              </Title>
              <Table.ScrollContainer minWidth={560}>
                <Table aria-label="Alerts" striped>
                  <Table.Thead>
                    <Table.Tr>
                      <Table.Th>Alert</Table.Th>
                      <Table.Th>Status</Table.Th>
                      <Table.Th>Severity</Table.Th>
                      <Table.Th>Started</Table.Th>
                      <Table.Th>Seen</Table.Th>
                    </Table.Tr>
                  </Table.Thead>
                  <Table.Tbody>
                    {alerts.map((a) => (
                      <Table.Tr key={a.dedupKey}>
                        <Table.Td>
                          <Text size="sm" fw={500}>
                            {a.labels['alertname'] ?? a.summary}
                          </Text>
                          <Text size="xs" c="dimmed">
                            {a.summary}
                          </Text>
                          <Group gap={4} mt={2}>
                            {Object.entries(a.labels)
                              .filter(([k]) => k !== 'alertname')
                              .map(([k, v]) => (
                                <Code key={k} fz="xs">
                                  {k}={v}
                                </Code>
                              ))}
                          </Group>
                        </Table.Td>
                        <Table.Td>
                          <Badge
                            color={a.status === 'firing' ? 'red' : 'green'}
                            variant="light"
                            size="sm"
                            style={{ minWidth: 'max-content' }}
                          >
                            {a.status}
                          </Badge>
                          {a.flapping && (
                            <Badge color="orange" variant="outline" size="sm" ml={4}>
                              flapping
                            </Badge>
                          )}
                        </Table.Td>
                        <Table.Td>
                          <Badge
                            color={SEVERITY_COLOR[a.severity]}
                            size="sm"
                            style={{ minWidth: 'max-content' }}
                          >
                            {a.severity}
                          </Badge>
                        </Table.Td>
                        <Table.Td>{formatDateTime(a.startsAt)}</Table.Td>
                        <Table.Td>{a.seenCount}×</Table.Td>
                      </Table.Tr>
                    ))}
                  </Table.Tbody>
                </Table>
              </Table.ScrollContainer>
            </Card>
            <Card withBorder>
              <Title order={4} mb="sm">
                Runbooks
              </Title>
              {runbooks.isPending && <Loader size="sm" />}
              {runbooks.isError && (
                <Text c="red" size="sm">
                  Runbooks could not be loaded: {describeError(runbooks.error)}
                </Text>
              )}
              {runbooks.data && runbooks.data.length === 0 && (
                <Text c="dimmed" size="sm">
                  No runbook matches this incident's alerts or service.
                </Text>
              )}
              <Stack>
                {runbooks.data?.map(({ runbook: r, content, alerts: matched }) => (
                  <Card key={r.id} withBorder padding="sm" data-testid="runbook">
                    <Group justify="space-between" mb="xs">
                      <Group gap="xs">
                        <IconBook size={18} />
                        <Text fw={600}>{r.title}</Text>
                        <Badge size="xs" variant="outline">
                          v{r.version}
                        </Badge>
                      </Group>
                      <Group gap="xs">
                        <Text size="xs" c="dimmed">
                          owner {r.owner}, reviewed {r.lastReviewed}
                        </Text>
                        {r.stale && (
                          <Badge color="orange" size="sm" title="Not reviewed in the last 90 days">
                            stale
                          </Badge>
                        )}
                      </Group>
                    </Group>
                    <Text size="xs" c="dimmed" mb="xs">
                      {matched.length > 0
                        ? `Matches ${matched.length} alert(s) by ${r.matchers.join(', ')}`
                        : `Runbook of the service`}
                    </Text>
                    <RunbookMarkdown source={content} />
                  </Card>
                ))}
              </Stack>
            </Card>
          </Stack>
        </Grid.Col>
        <Grid.Col span={{ base: 12, md: 5 }}>
          <Card withBorder>
            <Title order={4} mb="sm">
              Timeline
            </Title>
            <IncidentTimeline entries={timeline} nameOf={names.nameOf} targets={detail.data.targets} />
          </Card>
        </Grid.Col>
      </Grid>

      <Modal opened={dialog === 'note'} onClose={closeDialog} title="Add a note">
        <form
          onSubmit={(e) => {
            e.preventDefault();
            if (text.trim() === '' || action.isPending) return;
            run({ type: 'notes', text: text.trim() }, 'Note added');
          }}
        >
          <Stack>
            <Textarea
              label="Note"
              description="Ctrl+Enter adds it"
              data-autofocus
              autosize
              minRows={3}
              value={text}
              onChange={(e) => setText(e.currentTarget.value)}
              onKeyDown={submitOnCtrlEnter}
              placeholder="What you found, what you did"
            />
            <Group justify="flex-end">
              <Button variant="default" onClick={closeDialog}>
                Cancel
              </Button>
              <Button type="submit" disabled={text.trim() === ''} loading={action.isPending}>
                Add note
              </Button>
            </Group>
          </Stack>
        </form>
      </Modal>
      {(['resolve', 'reopen'] as const).map((kind) => (
        <Modal
          key={kind}
          opened={dialog === kind}
          onClose={closeDialog}
          title={kind === 'resolve' ? 'Resolve incident' : 'Reopen incident'}
        >
          <form
            onSubmit={(e) => {
              e.preventDefault();
              if (action.isPending) return;
              const reason = text.trim();
              run(
                reason ? { type: kind, reason } : { type: kind },
                kind === 'resolve' ? 'Resolved' : 'Reopened',
              );
            }}
          >
            <Stack>
              <TextInput
                label="Reason (optional)"
                data-autofocus
                value={text}
                onChange={(e) => setText(e.currentTarget.value)}
                placeholder={kind === 'resolve' ? 'Rolled back the deploy' : 'Still happening'}
              />
              <Group justify="flex-end">
                <Button variant="default" onClick={closeDialog}>
                  Cancel
                </Button>
                <Button
                  type="submit"
                  color={kind === 'resolve' ? 'green' : undefined}
                  loading={action.isPending}
                >
                  {kind === 'resolve' ? 'Resolve' : 'Reopen'}
                </Button>
              </Group>
            </Stack>
          </form>
        </Modal>
      ))}
      <Modal opened={dialog === 'reassign'} onClose={closeDialog} title="Reassign incident">
        <Stack>
          <Select
            label="Assignee"
            searchable
            data={names.users.map((u) => ({ value: u.id, label: u.username }))}
            value={assignee}
            onChange={setAssignee}
            description={
              names.canList ? undefined : 'You can assign it to yourself; ask an admin to assign others.'
            }
          />
          <Group justify="flex-end">
            <Button variant="default" onClick={closeDialog}>
              Cancel
            </Button>
            <Button
              disabled={!assignee}
              loading={action.isPending}
              onClick={() => assignee && run({ type: 'reassign', to: assignee }, 'Reassigned')}
            >
              Reassign
            </Button>
          </Group>
        </Stack>
      </Modal>
    </Stack>
  );
}
