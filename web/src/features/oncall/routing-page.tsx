import {
  ActionIcon,
  Alert,
  Badge,
  Button,
  Code,
  Group,
  Loader,
  Modal,
  MultiSelect,
  Select,
  Stack,
  Table,
  Text,
  TextInput,
  Textarea,
} from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconArrowDown, IconArrowUp, IconPlus } from '@tabler/icons-react';
import { useState } from 'react';
import { hasPermission, useSessionUser } from '../../lib/auth.js';
import { ApiErrorAlert } from '../../lib/error-alert.js';
import {
  ALERT_SEVERITIES,
  ALERT_SOURCES,
  useOncallServices,
  useReplaceRoutingRules,
  useRoutingRules,
  type RoutingRule,
  type RoutingRuleInput,
} from './api.js';
import { ConfirmModal } from './confirm-modal.js';
import { fieldError, linesFieldError, parseLines } from './field-errors.js';

function toInput(r: RoutingRule): RoutingRuleInput {
  return {
    serviceId: r.serviceId,
    matchers: r.matchers,
    ...(r.severities && r.severities.length > 0 && { severities: r.severities }),
    ...(r.sources && r.sources.length > 0 && { sources: r.sources }),
    description: r.description,
  };
}

/** Routing rules: the ordered list deciding which service an alert belongs to (first match wins). */
export function RoutingPage() {
  const { data: user } = useSessionUser();
  const canWrite = hasPermission(user, 'incidents:write');
  const rules = useRoutingRules();
  const services = useOncallServices();
  const replace = useReplaceRoutingRules();
  // Which rule the editor shows: an index into the list, or 'new' (appended).
  const [editing, setEditing] = useState<number | 'new' | null>(null);
  const [deleting, setDeleting] = useState<number | null>(null);
  const serviceName = (id: string) => services.data?.find((s) => s.id === id)?.name ?? id;
  const items = rules.data?.items ?? [];

  const move = (from: number, to: number) => {
    const next = items.map(toInput);
    const [rule] = next.splice(from, 1);
    if (!rule) return;
    next.splice(to, 0, rule);
    replace.mutate(next, {
      onSuccess: () => notifications.show({ color: 'green', message: `Rule moved to position ${to + 1}` }),
    });
  };

  return (
    <Stack>
      <Group justify="space-between" align="flex-start">
        <Text size="sm" c="dimmed" maw={760}>
          Every incoming alert is checked against these rules from the top; the first rule whose label
          matchers, severities and sources all match sends it to its service. An alert no rule matches goes to
          the default service ({serviceName(rules.data?.defaultServiceId ?? 'default')}).
        </Text>
        {canWrite && (
          <Button
            leftSection={<IconPlus size={16} />}
            onClick={() => setEditing('new')}
            disabled={!rules.data || replace.isPending}
          >
            Add rule
          </Button>
        )}
      </Group>
      {rules.isPending && <Loader />}
      {rules.isError && <ApiErrorAlert title="Routing rules could not be loaded" error={rules.error} />}
      {replace.isError && editing === null && deleting === null && (
        <ApiErrorAlert title="Routing rules not saved" error={replace.error} />
      )}
      {rules.data && (
        <Table.ScrollContainer minWidth={900}>
          <Table striped aria-label="Routing rules">
            <Table.Thead>
              <Table.Tr>
                <Table.Th w={50}>#</Table.Th>
                <Table.Th>Label matchers</Table.Th>
                <Table.Th>Severities</Table.Th>
                <Table.Th>Sources</Table.Th>
                <Table.Th>Service</Table.Th>
                <Table.Th>Description</Table.Th>
                {canWrite && <Table.Th />}
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {items.map((r, i) => (
                <Table.Tr key={r.id} data-testid="routing-rule">
                  <Table.Td>{i + 1}</Table.Td>
                  <Table.Td>
                    {r.matchers.length === 0 ? (
                      <Text size="sm" c="dimmed">
                        any labels
                      </Text>
                    ) : (
                      <Stack gap={2}>
                        {r.matchers.map((m) => (
                          <Code key={m}>{m}</Code>
                        ))}
                      </Stack>
                    )}
                  </Table.Td>
                  <Table.Td>
                    <BadgeList values={r.severities} />
                  </Table.Td>
                  <Table.Td>
                    <BadgeList values={r.sources} />
                  </Table.Td>
                  <Table.Td data-testid="routing-rule-service">{serviceName(r.serviceId)}</Table.Td>
                  <Table.Td>{r.description}</Table.Td>
                  {canWrite && (
                    <Table.Td>
                      <Group gap={4} justify="flex-end" wrap="nowrap">
                        <ActionIcon
                          variant="subtle"
                          aria-label={`Move rule ${i + 1} up`}
                          disabled={i === 0 || replace.isPending}
                          onClick={() => move(i, i - 1)}
                        >
                          <IconArrowUp size={16} />
                        </ActionIcon>
                        <ActionIcon
                          variant="subtle"
                          aria-label={`Move rule ${i + 1} down`}
                          disabled={i === items.length - 1 || replace.isPending}
                          onClick={() => move(i, i + 1)}
                        >
                          <IconArrowDown size={16} />
                        </ActionIcon>
                        <Button
                          size="xs"
                          variant="default"
                          aria-label={`Edit rule ${i + 1}`}
                          disabled={replace.isPending}
                          onClick={() => {
                            replace.reset();
                            setEditing(i);
                          }}
                        >
                          Edit
                        </Button>
                        <Button
                          size="xs"
                          variant="subtle"
                          color="red"
                          aria-label={`Delete rule ${i + 1}`}
                          disabled={replace.isPending}
                          onClick={() => {
                            replace.reset();
                            setDeleting(i);
                          }}
                        >
                          Delete
                        </Button>
                      </Group>
                    </Table.Td>
                  )}
                </Table.Tr>
              ))}
              <Table.Tr data-testid="routing-default">
                <Table.Td>—</Table.Td>
                <Table.Td colSpan={3}>
                  <Text size="sm" c="dimmed">
                    {items.length === 0
                      ? 'Every alert (there are no rules)'
                      : 'Any alert no rule above matched'}
                  </Text>
                </Table.Td>
                <Table.Td>{serviceName(rules.data.defaultServiceId)}</Table.Td>
                <Table.Td>default service</Table.Td>
                {canWrite && <Table.Td />}
              </Table.Tr>
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      {rules.data && items.length === 0 && (
        <Alert title="No routing rules yet">
          Every alert becomes an incident of the default service.
          {canWrite && ' Add a rule to send alerts with given labels to another service.'}
        </Alert>
      )}
      {deleting !== null && items[deleting] && (
        <ConfirmModal
          title="Delete the routing rule?"
          confirmLabel="Delete rule"
          pending={replace.isPending}
          error={replace.error}
          onClose={() => {
            replace.reset();
            setDeleting(null);
          }}
          onConfirm={() =>
            replace.mutate(items.filter((_, n) => n !== deleting).map(toInput), {
              onSuccess: () => {
                notifications.show({ color: 'green', message: `Rule ${deleting + 1} deleted` });
                setDeleting(null);
              },
            })
          }
        >
          Rule {deleting + 1} ({items[deleting].matchers.join(', ') || 'any labels'} →{' '}
          {serviceName(items[deleting].serviceId)}) is removed; the alerts it matched fall through to the
          rules below it.
        </ConfirmModal>
      )}
      {editing !== null && rules.data && (
        <RuleEditor
          rules={items}
          index={editing === 'new' ? items.length : editing}
          services={(services.data ?? []).map((s) => ({ value: s.id, label: s.name }))}
          onClose={() => setEditing(null)}
        />
      )}
    </Stack>
  );
}

function BadgeList({ values }: { values: readonly string[] | null }) {
  if (!values || values.length === 0)
    return (
      <Text size="sm" c="dimmed">
        any
      </Text>
    );
  return (
    <Group gap={4}>
      {values.map((v) => (
        <Badge key={v} size="sm" variant="light" tt="none">
          {v}
        </Badge>
      ))}
    </Group>
  );
}

function RuleEditor({
  rules,
  index,
  services,
  onClose,
}: {
  rules: readonly RoutingRule[];
  /** Position of the rule being edited; rules.length for a new rule (appended). */
  index: number;
  services: { value: string; label: string }[];
  onClose: () => void;
}) {
  const save = useReplaceRoutingRules();
  const existing = rules[index];
  const [serviceId, setServiceId] = useState<string | null>(existing?.serviceId ?? null);
  const [matchers, setMatchers] = useState(existing?.matchers.join('\n') ?? '');
  const [severities, setSeverities] = useState<string[]>(existing?.severities ?? []);
  const [sources, setSources] = useState<string[]>(existing?.sources ?? []);
  const [description, setDescription] = useState(existing?.description ?? '');
  const at = (field: string) => `/rules/${index}/${field}`;

  const submit = () => {
    if (!serviceId) return;
    const rule: RoutingRuleInput = {
      serviceId,
      matchers: parseLines(matchers),
      ...(severities.length > 0 && { severities }),
      ...(sources.length > 0 && { sources }),
      description: description.trim(),
    };
    const next = rules.map(toInput);
    next.splice(index, existing ? 1 : 0, rule);
    save.mutate(next, {
      onSuccess: () => {
        notifications.show({ color: 'green', message: `Routing rule ${index + 1} saved` });
        onClose();
      },
    });
  };

  return (
    <Modal
      opened
      onClose={onClose}
      title={existing ? `Edit routing rule ${index + 1}` : 'New routing rule'}
      size="lg"
    >
      <Stack>
        {save.isError && <ApiErrorAlert title="Routing rule not saved" error={save.error} />}
        {!existing && (
          <Text size="sm" c="dimmed">
            The rule is added as number {index + 1}, after the existing ones; move it up in the list
            afterwards if it must win over them.
          </Text>
        )}
        <Textarea
          label="Label matchers"
          description='One per line, all must match: name="value", name!="value", name=~"regex", name!~"regex". None: any labels.'
          autosize
          minRows={3}
          value={matchers}
          error={linesFieldError(save.error, at('matchers'))}
          onChange={(e) => setMatchers(e.currentTarget.value)}
          styles={{ input: { fontFamily: 'var(--mantine-font-family-monospace)' } }}
        />
        <Group grow align="flex-start">
          <MultiSelect
            label="Severities"
            description="Empty: any severity"
            data={[...ALERT_SEVERITIES]}
            value={severities}
            error={fieldError(save.error, at('severities'))}
            onChange={setSeverities}
          />
          <MultiSelect
            label="Sources"
            description="Empty: any source"
            data={[...ALERT_SOURCES]}
            value={sources}
            error={fieldError(save.error, at('sources'))}
            onChange={setSources}
          />
        </Group>
        <Select
          label="Send to service"
          required
          searchable
          data={services}
          value={serviceId}
          error={fieldError(save.error, at('serviceId'))}
          onChange={setServiceId}
        />
        <TextInput
          label="Description"
          value={description}
          error={fieldError(save.error, at('description'))}
          onChange={(e) => setDescription(e.currentTarget.value)}
        />
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            Cancel
          </Button>
          <Button onClick={submit} loading={save.isPending} disabled={!serviceId}>
            Save rule
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
