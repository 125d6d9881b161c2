import {
  Alert,
  Badge,
  Button,
  Group,
  Loader,
  Modal,
  Select,
  Stack,
  Table,
  TagsInput,
  Text,
  TextInput,
} from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconPlus } from '@tabler/icons-react';
import { useState } from 'react';
import { hasPermission, useSessionUser } from '../../lib/auth.js';
import { ApiErrorAlert } from '../../lib/error-alert.js';
import { formatDateTime } from '../../lib/format.js';
import {
  useDeleteService,
  useEscalationPolicies,
  useOncallServices,
  useSaveService,
  useTeams,
  type Service,
} from './api.js';
import { ConfirmModal } from './confirm-modal.js';
import { fieldError } from './field-errors.js';

/** The service every alert no routing rule matches goes to; the server refuses to delete it. */
const DEFAULT_SERVICE_ID = 'default';
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

interface ServiceDraft {
  name: string;
  description: string;
  escalationPolicyId: string | null;
  teamId: string | null;
  groupBy: string[];
}

function toDraft(s: Service | undefined): ServiceDraft {
  return {
    name: s?.name ?? '',
    description: s?.description ?? '',
    escalationPolicyId: s?.escalationPolicyId ?? null,
    teamId: s?.teamId ?? null,
    groupBy: s?.groupBy ?? [],
  };
}

/** Services: where routed alerts become incidents, who they page and how alerts are grouped. */
export function ServicesPage() {
  const { data: user } = useSessionUser();
  const canWrite = hasPermission(user, 'incidents:write');
  const services = useOncallServices();
  const policies = useEscalationPolicies();
  const teams = useTeams();
  const remove = useDeleteService();
  const [editing, setEditing] = useState<Service | 'new' | null>(null);
  const [deleting, setDeleting] = useState<Service | null>(null);
  const policyName = (id: string) => policies.data?.find((p) => p.id === id)?.name ?? id;
  const teamName = (id: string) => teams.data?.find((t) => t.id === id)?.name ?? id;

  return (
    <Stack>
      <Group justify="space-between" align="flex-start">
        <Text size="sm" c="dimmed" maw={760}>
          A service owns incidents: routing rules send alerts to it, its escalation policy decides who is
          paged, and its group-by labels decide which alerts share an incident. Alerts no rule matches go to
          the default service.
        </Text>
        {canWrite && (
          <Button leftSection={<IconPlus size={16} />} onClick={() => setEditing('new')}>
            New service
          </Button>
        )}
      </Group>
      {services.isPending && <Loader />}
      {services.isError && <ApiErrorAlert title="Services could not be loaded" error={services.error} />}
      {services.data && (
        <Table.ScrollContainer minWidth={800}>
          <Table striped aria-label="Services">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Name</Table.Th>
                <Table.Th>Escalation policy</Table.Th>
                <Table.Th>Group alerts by</Table.Th>
                <Table.Th>Team</Table.Th>
                <Table.Th>Updated</Table.Th>
                {canWrite && <Table.Th />}
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {services.data.map((s) => (
                <Table.Tr key={s.id} data-testid="service-row">
                  <Table.Td>
                    <Group gap={6}>
                      <Text fw={500}>{s.name}</Text>
                      {s.id === DEFAULT_SERVICE_ID && (
                        <Badge size="xs" variant="light">
                          default
                        </Badge>
                      )}
                    </Group>
                    {s.description && (
                      <Text size="xs" c="dimmed">
                        {s.description}
                      </Text>
                    )}
                  </Table.Td>
                  <Table.Td>
                    {s.escalationPolicyId ? (
                      policyName(s.escalationPolicyId)
                    ) : (
                      <Badge color="orange" variant="light" tt="none">
                        none: pages nobody
                      </Badge>
                    )}
                  </Table.Td>
                  <Table.Td>
                    {s.groupBy ? (
                      <Group gap={4}>
                        {s.groupBy.map((l) => (
                          <Badge key={l} variant="outline" tt="none">
                            {l}
                          </Badge>
                        ))}
                      </Group>
                    ) : (
                      <Text size="sm" c="dimmed">
                        the source&apos;s group key
                      </Text>
                    )}
                  </Table.Td>
                  <Table.Td>{s.teamId ? teamName(s.teamId) : '—'}</Table.Td>
                  <Table.Td>{formatDateTime(s.updatedAt)}</Table.Td>
                  {canWrite && (
                    <Table.Td>
                      <Group gap="xs" justify="flex-end" wrap="nowrap">
                        <Button
                          size="xs"
                          variant="default"
                          aria-label={`Edit ${s.name}`}
                          onClick={() => setEditing(s)}
                        >
                          Edit
                        </Button>
                        {s.id !== DEFAULT_SERVICE_ID && (
                          <Button
                            size="xs"
                            variant="subtle"
                            color="red"
                            aria-label={`Delete ${s.name}`}
                            loading={remove.isPending && remove.variables === s.id}
                            onClick={() => setDeleting(s)}
                          >
                            Delete
                          </Button>
                        )}
                      </Group>
                    </Table.Td>
                  )}
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      {services.data && policies.data && policies.data.length === 0 && canWrite && (
        <Alert color="yellow" title="No escalation policies yet">
          Create one under Escalation policies first, otherwise incidents of a service page nobody.
        </Alert>
      )}
      {deleting && (
        <ConfirmModal
          title="Delete the service?"
          confirmLabel="Delete service"
          pending={remove.isPending}
          error={remove.error}
          onClose={() => {
            remove.reset();
            setDeleting(null);
          }}
          onConfirm={() =>
            remove.mutate(deleting.id, {
              onSuccess: () => {
                notifications.show({ color: 'green', message: `Service “${deleting.name}” deleted` });
                setDeleting(null);
              },
            })
          }
        >
          “{deleting.name}” will no longer receive alerts. The server refuses while a routing rule targets it.
        </ConfirmModal>
      )}
      {editing !== null && (
        <ServiceEditor service={editing === 'new' ? undefined : editing} onClose={() => setEditing(null)} />
      )}
    </Stack>
  );
}

function ServiceEditor({ service, onClose }: { service: Service | undefined; onClose: () => void }) {
  const save = useSaveService();
  const policies = useEscalationPolicies();
  const teams = useTeams();
  const [draft, setDraft] = useState<ServiceDraft>(() => toDraft(service));
  const errorsAt = (pointer: string) => fieldError(save.error, pointer);
  const badLabels = draft.groupBy.filter((l) => !LABEL_NAME.test(l));

  const submit = () =>
    save.mutate(
      {
        ...(service ? { id: service.id } : {}),
        input: {
          name: draft.name.trim(),
          description: draft.description.trim(),
          escalationPolicyId: draft.escalationPolicyId,
          teamId: draft.teamId,
          groupBy: draft.groupBy.length > 0 ? draft.groupBy : null,
        },
      },
      {
        onSuccess: (saved) => {
          notifications.show({ color: 'green', message: `Service “${saved.name}” saved` });
          onClose();
        },
      },
    );

  return (
    <Modal opened onClose={onClose} title={service ? `Edit ${service.name}` : 'New service'} size="lg">
      <Stack>
        {save.isError && <ApiErrorAlert title="Service not saved" error={save.error} />}
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
          error={errorsAt('/description')}
          onChange={(e) => {
            const description = e.currentTarget.value;
            setDraft((d) => ({ ...d, description }));
          }}
        />
        <Select
          label="Escalation policy"
          description="Who is paged for this service's incidents; none records incidents without paging"
          placeholder="None"
          clearable
          searchable
          data={(policies.data ?? []).map((p) => ({ value: p.id, label: p.name }))}
          value={draft.escalationPolicyId}
          error={errorsAt('/escalationPolicyId')}
          onChange={(escalationPolicyId) => setDraft((d) => ({ ...d, escalationPolicyId }))}
        />
        <TagsInput
          label="Group alerts by labels"
          description="Alerts with equal values of these labels share an incident; empty: the source's own group key (Alertmanager groupKey)"
          placeholder="e.g. alertname, cluster (Enter after each)"
          acceptValueOnBlur
          splitChars={[',', ' ']}
          value={draft.groupBy}
          error={
            errorsAt('/groupBy') ??
            (badLabels.length > 0 ? `not a label name: ${badLabels.join(', ')}` : undefined)
          }
          onChange={(groupBy) => setDraft((d) => ({ ...d, groupBy }))}
        />
        <Select
          label="Team"
          placeholder="None"
          clearable
          searchable
          data={(teams.data ?? []).map((t) => ({ value: t.id, label: t.name }))}
          value={draft.teamId}
          error={errorsAt('/teamId')}
          onChange={(teamId) => setDraft((d) => ({ ...d, teamId }))}
        />
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            Cancel
          </Button>
          <Button onClick={submit} loading={save.isPending} disabled={draft.name.trim() === ''}>
            Save service
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
