import {
  ActionIcon,
  Alert,
  Badge,
  Button,
  Code,
  Group,
  Loader,
  Menu,
  Modal,
  NumberInput,
  Select,
  Stack,
  Table,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { notifications } from '@mantine/notifications';
import {
  IconDots,
  IconKey,
  IconPlayerPause,
  IconPlayerPlay,
  IconPlugConnected,
  IconPlus,
  IconTrash,
} from '@tabler/icons-react';
import { useState } from 'react';
import { describeError } from '../../lib/api.js';
import { hasPermission, useSessionUser } from '../../lib/auth.js';
import { formatDateTime } from '../../lib/format.js';
import { numberRangeError } from '../../lib/number-range.js';
import {
  SOURCES,
  sourceLabel,
  useCreateIntegration,
  useDeadLetter,
  useDeadLetters,
  useDeleteIntegration,
  useIntegrations,
  useRotateKey,
  useUpdateIntegration,
  type Integration,
  type IntegrationWithKey,
  type Source,
} from './api.js';
import { IntegrationKeyModal } from './integration-key-modal.js';

/** The server's limits for resolveTimeoutMinutes, checked as typed rather than clamped. */
const RESOLVE_TIMEOUT = { min: 1, max: 525_600 };

function CreateIntegrationModal({
  opened,
  onClose,
  onCreated,
}: {
  opened: boolean;
  onClose: () => void;
  onCreated: (c: IntegrationWithKey) => void;
}) {
  const create = useCreateIntegration();
  const [name, setName] = useState('');
  const [source, setSource] = useState<Source>('alertmanager');
  const [timeout, setTimeoutMinutes] = useState<number | string>('');
  const timeoutError = numberRangeError(timeout, RESOLVE_TIMEOUT);
  const close = () => {
    setName('');
    create.reset();
    onClose();
  };
  return (
    <Modal opened={opened} onClose={close} title="New integration">
      <Stack>
        {create.isError && (
          <Alert color="red" title="Integration not created" role="alert">
            {describeError(create.error)}
          </Alert>
        )}
        <TextInput
          label="Name"
          placeholder="prod-alertmanager"
          value={name}
          onChange={(e) => setName(e.currentTarget.value)}
        />
        <Select
          label="Source"
          data={SOURCES.map((s) => ({ value: s.value, label: s.label }))}
          value={source}
          allowDeselect={false}
          onChange={(v) => v && setSource(v)}
        />
        <NumberInput
          label="Auto-resolve after (minutes)"
          description="For sources that never send resolves; empty: wait for the resolve"
          min={RESOLVE_TIMEOUT.min}
          max={RESOLVE_TIMEOUT.max}
          clampBehavior="none"
          allowDecimal={false}
          value={timeout}
          error={timeoutError}
          onChange={setTimeoutMinutes}
        />
        <Group justify="flex-end">
          <Button variant="default" onClick={close}>
            Cancel
          </Button>
          <Button
            disabled={name.trim() === '' || timeoutError !== undefined}
            loading={create.isPending}
            onClick={() =>
              create.mutate(
                {
                  name: name.trim(),
                  source,
                  ...(timeout === '' ? {} : { resolveTimeoutMinutes: Number(timeout) }),
                },
                {
                  onSuccess: (c) => {
                    setName('');
                    setTimeoutMinutes('');
                    create.reset();
                    onCreated(c);
                  },
                },
              )
            }
          >
            Create integration
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}

function DeadLettersModal({
  integration,
  onClose,
}: {
  integration: Integration | null;
  onClose: () => void;
}) {
  const letters = useDeadLetters(integration?.id ?? null);
  const [open, setOpen] = useState<string | null>(null);
  const letter = useDeadLetter(open);
  return (
    <Modal
      opened={integration !== null}
      onClose={onClose}
      title={`Dead letters of “${integration?.name ?? ''}”`}
      size="xl"
    >
      <Stack>
        <Text size="sm" c="dimmed">
          Requests refused as malformed (4xx), kept for inspection with where the payload was wrong.
        </Text>
        {letters.isPending && <Loader size="sm" />}
        {letters.isError && <Text c="red">{describeError(letters.error)}</Text>}
        {letters.data && letters.data.length === 0 && (
          <Text>None: every request so far was well formed.</Text>
        )}
        {letters.data && letters.data.length > 0 && (
          <Table aria-label="Dead letters" striped highlightOnHover>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Received</Table.Th>
                <Table.Th>Error</Table.Th>
                <Table.Th>Where</Table.Th>
                <Table.Th>Size</Table.Th>
                <Table.Th />
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {letters.data.map((d) => (
                <Table.Tr key={d.id}>
                  <Table.Td>{formatDateTime(d.receivedAt)}</Table.Td>
                  <Table.Td>
                    <Text size="sm">{d.message}</Text>
                    <Text size="xs" c="dimmed">
                      {d.errorCode}
                    </Text>
                  </Table.Td>
                  <Table.Td>
                    <Code>{d.path || '/'}</Code>
                  </Table.Td>
                  <Table.Td>
                    {d.bodyBytes} B{d.truncated ? ' (truncated)' : ''}
                  </Table.Td>
                  <Table.Td>
                    <Button size="xs" variant="subtle" onClick={() => setOpen(open === d.id ? null : d.id)}>
                      {open === d.id ? 'Hide body' : 'Body'}
                    </Button>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        )}
        {open !== null && (
          <div>
            {letter.isPending && <Loader size="sm" />}
            {letter.isError && <Text c="red">{describeError(letter.error)}</Text>}
            {letter.data && (
              <Code block mah={320} style={{ overflow: 'auto' }} data-testid="dead-letter-body">
                {letter.data.body ?? ''}
              </Code>
            )}
          </div>
        )}
      </Stack>
    </Modal>
  );
}

/** Integrations: where monitoring tools send alerts; each has its own ingest key. */
export function IntegrationsPage() {
  const { data: user } = useSessionUser();
  const canWrite = hasPermission(user, 'incidents:write');
  const integrations = useIntegrations();
  const rotate = useRotateKey();
  const update = useUpdateIntegration();
  const remove = useDeleteIntegration();
  const [creating, setCreating] = useState(false);
  const [shown, setShown] = useState<IntegrationWithKey | null>(null);
  const [letters, setLetters] = useState<Integration | null>(null);
  const [confirm, setConfirm] = useState<{ kind: 'rotate' | 'delete'; integration: Integration } | null>(
    null,
  );

  const fail = (title: string) => (e: unknown) =>
    notifications.show({ color: 'red', title, message: describeError(e) });

  return (
    <Stack>
      <Group justify="space-between">
        <div>
          <Title order={2}>Integrations</Title>
          <Text c="dimmed" size="sm">
            Where Alertmanager, Grafana, CloudWatch, Azure Monitor, Google Cloud Monitoring or any
            PagerDuty-compatible sender posts alerts. Each integration has its own key.
          </Text>
        </div>
        {canWrite && (
          <Button leftSection={<IconPlus size={16} />} onClick={() => setCreating(true)}>
            New integration
          </Button>
        )}
      </Group>
      {integrations.isPending && <Loader />}
      {integrations.isError && (
        <Alert color="red" title="Integrations could not be loaded" role="alert">
          {describeError(integrations.error)}
        </Alert>
      )}
      {integrations.data && integrations.data.length === 0 && (
        <Alert icon={<IconPlugConnected size={18} />} title="No integrations yet">
          Create one per monitoring system; its key and a ready-to-paste configuration are shown once.
        </Alert>
      )}
      {integrations.data && integrations.data.length > 0 && (
        <Table.ScrollContainer minWidth={900}>
          <Table striped highlightOnHover aria-label="Integrations">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Name</Table.Th>
                <Table.Th>Source</Table.Th>
                <Table.Th>Ingest URL</Table.Th>
                <Table.Th>Key</Table.Th>
                <Table.Th>Last alert</Table.Th>
                <Table.Th>Rejected keys</Table.Th>
                <Table.Th />
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {integrations.data.map((i) => (
                <Table.Tr key={i.id} data-testid="integration-row">
                  <Table.Td>
                    <Group gap={6}>
                      <Text size="sm" fw={500}>
                        {i.name}
                      </Text>
                      {i.disabled && (
                        <Badge size="xs" color="gray">
                          disabled
                        </Badge>
                      )}
                    </Group>
                  </Table.Td>
                  <Table.Td>{sourceLabel(i.source)}</Table.Td>
                  <Table.Td maw={380}>
                    <Code fz="xs" style={{ wordBreak: 'break-all' }}>
                      {i.ingestUrl}
                    </Code>
                  </Table.Td>
                  <Table.Td>
                    <Code fz="xs">{i.keyPrefix}…</Code>
                  </Table.Td>
                  <Table.Td>{i.lastReceivedAt ? formatDateTime(i.lastReceivedAt) : 'never'}</Table.Td>
                  <Table.Td>
                    {i.authFailures > 0 ? (
                      <Badge color="orange" variant="light">
                        {i.authFailures}
                      </Badge>
                    ) : (
                      0
                    )}
                  </Table.Td>
                  <Table.Td>
                    <Group gap={4} wrap="nowrap">
                      <Button size="xs" variant="subtle" onClick={() => setLetters(i)}>
                        Dead letters
                      </Button>
                      {canWrite && (
                        <Menu position="bottom-end" withinPortal>
                          <Menu.Target>
                            <ActionIcon variant="subtle" color="gray" aria-label={`Actions for ${i.name}`}>
                              <IconDots size={16} />
                            </ActionIcon>
                          </Menu.Target>
                          <Menu.Dropdown>
                            <Menu.Item
                              leftSection={<IconKey size={14} />}
                              onClick={() => setConfirm({ kind: 'rotate', integration: i })}
                            >
                              Rotate key
                            </Menu.Item>
                            <Menu.Item
                              leftSection={
                                i.disabled ? <IconPlayerPlay size={14} /> : <IconPlayerPause size={14} />
                              }
                              onClick={() =>
                                update.mutate(
                                  { id: i.id, disabled: !i.disabled },
                                  { onError: fail('Not changed') },
                                )
                              }
                            >
                              {i.disabled ? 'Enable' : 'Disable'}
                            </Menu.Item>
                            <Menu.Divider />
                            <Menu.Item
                              color="red"
                              leftSection={<IconTrash size={14} />}
                              onClick={() => setConfirm({ kind: 'delete', integration: i })}
                            >
                              Delete
                            </Menu.Item>
                          </Menu.Dropdown>
                        </Menu>
                      )}
                    </Group>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}

      <CreateIntegrationModal
        opened={creating}
        onClose={() => setCreating(false)}
        onCreated={(c) => {
          setCreating(false);
          setShown(c);
        }}
      />
      <IntegrationKeyModal created={shown} onClose={() => setShown(null)} />
      <DeadLettersModal integration={letters} onClose={() => setLetters(null)} />
      <Modal
        opened={confirm !== null}
        onClose={() => setConfirm(null)}
        title={confirm?.kind === 'rotate' ? 'Rotate the ingest key?' : 'Delete the integration?'}
      >
        <Stack>
          <Text>
            {confirm?.kind === 'rotate'
              ? `The current key of “${confirm.integration.name}” stops working at once; senders get 401 until they use the new key.`
              : `“${confirm?.integration.name}” and its dead letters are deleted; its alerts and incidents stay.`}
          </Text>
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setConfirm(null)}>
              Cancel
            </Button>
            <Button
              color="red"
              loading={rotate.isPending || remove.isPending}
              onClick={() => {
                if (!confirm) return;
                const { integration } = confirm;
                if (confirm.kind === 'rotate') {
                  rotate.mutate(integration.id, {
                    onSuccess: (c) => {
                      setConfirm(null);
                      setShown(c);
                    },
                    onError: fail('Key not rotated'),
                  });
                } else {
                  remove.mutate(integration.id, {
                    onSuccess: () => setConfirm(null),
                    onError: fail('Not deleted'),
                  });
                }
              }}
            >
              {confirm?.kind === 'rotate' ? 'Rotate key' : 'Delete'}
            </Button>
          </Group>
        </Stack>
      </Modal>
    </Stack>
  );
}
