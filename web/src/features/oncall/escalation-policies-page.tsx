import {
  ActionIcon,
  Alert,
  Badge,
  Button,
  Card,
  Group,
  Loader,
  Modal,
  NumberInput,
  Select,
  Stack,
  Table,
  Text,
  TextInput,
} from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconPlus, IconTrash } from '@tabler/icons-react';
import { useState } from 'react';
import { describeError } from '../../lib/api.js';
import { hasPermission, useSessionUser } from '../../lib/auth.js';
import { numberRangeError } from '../../lib/number-range.js';
import {
  useDeleteEscalationPolicy,
  useEscalationPolicies,
  useSaveEscalationPolicy,
  useSchedules,
  useTeams,
  type EscalationPolicy,
  type EscalationStep,
  type EscalationTarget,
} from './api.js';
import { ConfirmModal } from './confirm-modal.js';
import { fieldError } from './field-errors.js';
import { useUserNames } from './user-names.js';

interface PolicyDraft {
  name: string;
  description: string;
  repeat: number | string;
  ackTimeoutMinutes: number | string;
  steps: { targets: EscalationTarget[]; delayMinutes: number | string }[];
}

/** The server's limits (policies-routes.ts), checked as typed rather than clamped. */
const REPEAT = { min: 0, max: 20 };
const ACK_TIMEOUT = { min: 1, max: 10080 };
const DELAY = { min: 0, max: 1440 };

const EMPTY: PolicyDraft = {
  name: '',
  description: '',
  repeat: 0,
  ackTimeoutMinutes: '',
  steps: [{ targets: [], delayMinutes: 15 }],
};

function toDraft(p: EscalationPolicy): PolicyDraft {
  return {
    name: p.name,
    description: p.description,
    repeat: p.repeat,
    ackTimeoutMinutes: p.ackTimeoutMinutes ?? '',
    steps: p.steps.map((s) => ({ targets: s.targets, delayMinutes: s.delayMinutes })),
  };
}

/** Names of targets, from the schedules, teams and users this caller can see. */
function useTargetNames() {
  const { data: user } = useSessionUser();
  const names = useUserNames(user);
  const schedules = useSchedules();
  const teams = useTeams();
  const options: Record<EscalationTarget['type'], { value: string; label: string }[]> = {
    schedule: (schedules.data ?? []).map((s) => ({ value: s.id, label: s.name })),
    team: (teams.data ?? []).map((t) => ({ value: t.id, label: t.name })),
    user: names.users.map((u) => ({ value: u.id, label: u.username })),
  };
  const label = (t: EscalationTarget) => options[t.type].find((o) => o.value === t.id)?.label ?? t.id;
  return { options, label };
}

export function EscalationPoliciesPage() {
  const { data: user } = useSessionUser();
  const canWrite = hasPermission(user, 'incidents:write');
  const policies = useEscalationPolicies();
  const targets = useTargetNames();
  const remove = useDeleteEscalationPolicy();
  const [editing, setEditing] = useState<EscalationPolicy | 'new' | null>(null);
  const [deleting, setDeleting] = useState<EscalationPolicy | null>(null);

  return (
    <Stack>
      <Group justify="space-between">
        <Text size="sm" c="dimmed">
          Steps run in order until someone acknowledges; the whole list repeats as configured. An
          acknowledgement not resolved within the ack timeout pages again from the first step.
        </Text>
        {canWrite && (
          <Button leftSection={<IconPlus size={16} />} onClick={() => setEditing('new')}>
            New policy
          </Button>
        )}
      </Group>
      {policies.isPending && <Loader />}
      {policies.isError && (
        <Alert color="red" title="Escalation policies could not be loaded" role="alert">
          {describeError(policies.error)}
        </Alert>
      )}
      {policies.data && policies.data.length === 0 && (
        <Alert title="No escalation policies yet">
          A service without a policy records incidents but pages nobody.
        </Alert>
      )}
      {policies.data?.map((p) => (
        <Card withBorder key={p.id} data-testid="escalation-policy">
          <Group justify="space-between" mb="xs">
            <div>
              <Text fw={600}>{p.name}</Text>
              {p.description && (
                <Text size="sm" c="dimmed">
                  {p.description}
                </Text>
              )}
            </div>
            <Group gap="xs">
              <Badge variant="light">{p.repeat === 0 ? 'runs once' : `repeats ${p.repeat}×`}</Badge>
              <Badge variant="light" color={p.ackTimeoutMinutes ? 'orange' : 'gray'}>
                {p.ackTimeoutMinutes ? `ack timeout ${p.ackTimeoutMinutes} min` : 'no ack timeout'}
              </Badge>
              {canWrite && (
                <>
                  <Button size="xs" variant="default" onClick={() => setEditing(p)}>
                    Edit
                  </Button>
                  <Button
                    size="xs"
                    variant="subtle"
                    color="red"
                    aria-label={`Delete ${p.name}`}
                    loading={remove.isPending && remove.variables === p.id}
                    onClick={() => setDeleting(p)}
                  >
                    Delete
                  </Button>
                </>
              )}
            </Group>
          </Group>
          <Table aria-label={`Steps of ${p.name}`}>
            <Table.Thead>
              <Table.Tr>
                <Table.Th w={60}>Step</Table.Th>
                <Table.Th>Notify</Table.Th>
                <Table.Th>Then wait</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {p.steps.map((s, i) => (
                <Table.Tr key={i}>
                  <Table.Td>{i + 1}</Table.Td>
                  <Table.Td>
                    <Group gap={4}>
                      {s.targets.map((t) => (
                        <Badge key={`${t.type}:${t.id}`} variant="outline" tt="none">
                          {t.type}: {targets.label(t)}
                        </Badge>
                      ))}
                    </Group>
                  </Table.Td>
                  <Table.Td>{s.delayMinutes} min</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Card>
      ))}
      {deleting && (
        <ConfirmModal
          title="Delete the escalation policy?"
          confirmLabel="Delete policy"
          pending={remove.isPending}
          error={remove.error}
          onClose={() => {
            remove.reset();
            setDeleting(null);
          }}
          onConfirm={() =>
            remove.mutate(deleting.id, {
              onSuccess: () => {
                notifications.show({
                  color: 'green',
                  message: `Escalation policy “${deleting.name}” deleted`,
                });
                setDeleting(null);
              },
            })
          }
        >
          “{deleting.name}” will no longer page anyone. The server refuses while a service uses it.
        </ConfirmModal>
      )}
      {editing !== null && (
        <PolicyEditor
          policy={editing === 'new' ? undefined : editing}
          options={targets.options}
          onClose={() => setEditing(null)}
        />
      )}
    </Stack>
  );
}

function PolicyEditor({
  policy,
  options,
  onClose,
}: {
  policy: EscalationPolicy | undefined;
  options: Record<EscalationTarget['type'], { value: string; label: string }[]>;
  onClose: () => void;
}) {
  const save = useSaveEscalationPolicy();
  const [draft, setDraft] = useState<PolicyDraft>(() => (policy ? toDraft(policy) : EMPTY));
  const setStep = (i: number, patch: Partial<PolicyDraft['steps'][number]>) =>
    setDraft((d) => ({ ...d, steps: d.steps.map((s, n) => (n === i ? { ...s, ...patch } : s)) }));
  const errorsAt = (pointer: string) => fieldError(save.error, pointer);
  const repeatError = numberRangeError(draft.repeat, REPEAT);
  const ackTimeoutError = numberRangeError(draft.ackTimeoutMinutes, ACK_TIMEOUT);
  const delayErrors = draft.steps.map((s) => numberRangeError(s.delayMinutes, DELAY));
  const invalid = repeatError !== undefined || ackTimeoutError !== undefined || delayErrors.some(Boolean);

  const submit = () => {
    if (invalid) return;
    const steps: EscalationStep[] = draft.steps.map((s) => ({
      targets: s.targets,
      delayMinutes: Number(s.delayMinutes),
    }));
    save.mutate(
      {
        ...(policy ? { id: policy.id } : {}),
        input: {
          name: draft.name.trim(),
          description: draft.description.trim(),
          repeat: Number(draft.repeat),
          ackTimeoutMinutes: draft.ackTimeoutMinutes === '' ? null : Number(draft.ackTimeoutMinutes),
          steps,
        },
      },
      {
        onSuccess: (saved) => {
          notifications.show({ color: 'green', message: `Escalation policy “${saved.name}” saved` });
          onClose();
        },
      },
    );
  };

  return (
    <Modal
      opened
      onClose={onClose}
      title={policy ? `Edit ${policy.name}` : 'New escalation policy'}
      size="xl"
    >
      <Stack>
        {save.isError && (
          <Alert color="red" title="Policy not saved" role="alert">
            {describeError(save.error)}
          </Alert>
        )}
        <Group grow align="flex-start">
          <TextInput
            label="Name"
            required
            value={draft.name}
            error={errorsAt('/name')}
            onChange={(e) => {
              const name = e.currentTarget.value;
              setDraft((d) => ({ ...d, name }));
            }}
          />
          <TextInput
            label="Description"
            value={draft.description}
            onChange={(e) => {
              const description = e.currentTarget.value;
              setDraft((d) => ({ ...d, description }));
            }}
          />
        </Group>
        <Group grow align="flex-start">
          <NumberInput
            label="Repeat the steps"
            description="Extra rounds after the first"
            min={REPEAT.min}
            max={REPEAT.max}
            clampBehavior="none"
            allowDecimal={false}
            value={draft.repeat}
            error={repeatError ?? errorsAt('/repeat')}
            onChange={(repeat) => setDraft((d) => ({ ...d, repeat }))}
          />
          <NumberInput
            label="Ack timeout (minutes)"
            description="Empty: an acknowledgement never expires"
            min={ACK_TIMEOUT.min}
            max={ACK_TIMEOUT.max}
            clampBehavior="none"
            allowDecimal={false}
            value={draft.ackTimeoutMinutes}
            error={ackTimeoutError ?? errorsAt('/ackTimeoutMinutes')}
            onChange={(ackTimeoutMinutes) => setDraft((d) => ({ ...d, ackTimeoutMinutes }))}
          />
        </Group>
        {draft.steps.map((s, i) => (
          <Card withBorder key={i} padding="sm" data-testid="policy-step">
            <Group justify="space-between" mb="xs">
              <Text fw={600}>Step {i + 1}</Text>
              <ActionIcon
                variant="subtle"
                color="red"
                aria-label={`Remove step ${i + 1}`}
                disabled={draft.steps.length === 1}
                onClick={() => setDraft((d) => ({ ...d, steps: d.steps.filter((_, n) => n !== i) }))}
              >
                <IconTrash size={16} />
              </ActionIcon>
            </Group>
            <Stack gap="xs">
              {s.targets.map((t, ti) => (
                <Group key={ti} align="flex-end">
                  <Select
                    label={ti === 0 ? 'Target type' : undefined}
                    aria-label={`Step ${i + 1} target ${ti + 1} type`}
                    w={140}
                    data={['schedule', 'user', 'team']}
                    value={t.type}
                    allowDeselect={false}
                    onChange={(v) =>
                      v &&
                      setStep(i, {
                        targets: s.targets.map((x, n) => (n === ti ? { type: v, id: '' } : x)),
                      })
                    }
                  />
                  <Select
                    label={ti === 0 ? 'Who' : undefined}
                    aria-label={`Step ${i + 1} target ${ti + 1}`}
                    searchable
                    w={260}
                    data={options[t.type]}
                    value={t.id || null}
                    onChange={(v) =>
                      setStep(i, { targets: s.targets.map((x, n) => (n === ti ? { ...x, id: v ?? '' } : x)) })
                    }
                  />
                  <ActionIcon
                    variant="subtle"
                    color="red"
                    mb={4}
                    aria-label={`Remove target ${ti + 1} of step ${i + 1}`}
                    onClick={() => setStep(i, { targets: s.targets.filter((_, n) => n !== ti) })}
                  >
                    <IconTrash size={14} />
                  </ActionIcon>
                </Group>
              ))}
              {errorsAt(`/steps/${i}/targets`) && (
                <Text c="red" size="xs">
                  {errorsAt(`/steps/${i}/targets`)}
                </Text>
              )}
              <Group align="flex-end">
                <Button
                  size="xs"
                  variant="light"
                  leftSection={<IconPlus size={14} />}
                  onClick={() => setStep(i, { targets: [...s.targets, { type: 'schedule', id: '' }] })}
                >
                  Add target
                </Button>
                <NumberInput
                  label="Then wait (minutes)"
                  w={180}
                  min={DELAY.min}
                  max={DELAY.max}
                  clampBehavior="none"
                  allowDecimal={false}
                  value={s.delayMinutes}
                  error={delayErrors[i] ?? errorsAt(`/steps/${i}/delayMinutes`)}
                  onChange={(delayMinutes) => setStep(i, { delayMinutes })}
                />
              </Group>
            </Stack>
          </Card>
        ))}
        <Group justify="space-between">
          <Button
            variant="default"
            leftSection={<IconPlus size={16} />}
            onClick={() =>
              setDraft((d) => ({ ...d, steps: [...d.steps, { targets: [], delayMinutes: 15 }] }))
            }
          >
            Add step
          </Button>
          <Group>
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button onClick={submit} loading={save.isPending} disabled={draft.name.trim() === '' || invalid}>
              Save policy
            </Button>
          </Group>
        </Group>
      </Stack>
    </Modal>
  );
}
