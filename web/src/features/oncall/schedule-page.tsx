import {
  ActionIcon,
  Alert,
  Anchor,
  Badge,
  Button,
  Card,
  Group,
  Loader,
  MultiSelect,
  NumberInput,
  Select,
  SimpleGrid,
  Stack,
  Table,
  TagsInput,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconPlus, IconTrash } from '@tabler/icons-react';
import { useMemo, useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { describeError } from '../../lib/api.js';
import { hasPermission, useSessionUser } from '../../lib/auth.js';
import { formatDateTime } from '../../lib/format.js';
import { numberRangeError } from '../../lib/number-range.js';
import {
  useAddOverride,
  useSaveSchedule,
  useSchedule,
  useShifts,
  type Rotation,
  type Schedule,
  type ScheduleLayer,
} from './api.js';
import { fieldError } from './field-errors.js';
import { useUserNames } from './user-names.js';

const BROWSER_ZONE = Intl.DateTimeFormat().resolvedOptions().timeZone;
const TIME_ZONES: string[] = (() => {
  const zones = Intl.supportedValuesOf('timeZone');
  return zones.includes('UTC') ? zones : ['UTC', ...zones];
})();
const PREVIEW_DAYS = 14;
/** Hours of an "every N hours" rotation: up to four weeks, checked as typed rather than clamped. */
const ROTATION_HOURS = { min: 1, max: 24 * 28 };

interface LayerDraft {
  id: string;
  users: string[];
  rotation: Rotation['type'];
  hours: number | string;
  start: string;
  timeZone: string;
  /** A layer new in this editor whose zone the user has not picked follows the schedule's zone. */
  followsSchedule: boolean;
}

interface Draft {
  name: string;
  description: string;
  timeZone: string;
  layers: LayerDraft[];
}

function pad(n: number): string {
  return String(n).padStart(2, '0');
}

/**
 * The most recent 09:00 as `YYYY-MM-DDTHH:mm` (wall clock, read in the layer's zone by the
 * server), so a new layer has someone on call at once rather than from a handoff still to come.
 */
function defaultStart(): string {
  const d = new Date();
  if (d.getHours() < 9) d.setDate(d.getDate() - 1);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T09:00`;
}

function newLayer(timeZone: string, existing: readonly LayerDraft[]): LayerDraft {
  let n = existing.length + 1;
  while (existing.some((l) => l.id === `layer-${n}`)) n++;
  return {
    id: `layer-${n}`,
    users: [],
    rotation: 'weekly',
    hours: 12,
    start: defaultStart(),
    timeZone,
    followsSchedule: true,
  };
}

function toDraft(s: Schedule): Draft {
  return {
    name: s.name,
    description: s.description,
    timeZone: s.timeZone,
    layers: s.layers.map((l) => ({
      id: l.id,
      users: l.users,
      rotation: l.rotation.type,
      hours: l.rotation.type === 'hours' ? l.rotation.hours : 12,
      start: l.start,
      timeZone: l.timeZone,
      followsSchedule: false,
    })),
  };
}

function toLayer(l: LayerDraft): ScheduleLayer {
  const rotation: Rotation =
    l.rotation === 'hours' ? { type: 'hours', hours: Number(l.hours) } : { type: l.rotation };
  return { id: l.id, users: l.users, rotation, start: l.start, timeZone: l.timeZone };
}

/** `/schedules/new` creates a schedule; `/schedules/:id` edits one, its overrides and shows its shifts. */
export function SchedulePage() {
  const { id } = useParams();
  const isNew = id === undefined || id === 'new';
  const schedule = useSchedule(isNew ? undefined : id);
  if (!isNew && schedule.isPending) return <Loader />;
  if (!isNew && schedule.isError) {
    return (
      <Alert color="red" title="Schedule could not be loaded" role="alert">
        {describeError(schedule.error)}
      </Alert>
    );
  }
  return (
    <ScheduleEditor key={schedule.data?.updatedAt ?? 'new'} schedule={isNew ? undefined : schedule.data} />
  );
}

function ScheduleEditor({ schedule }: { schedule: Schedule | undefined }) {
  const { data: user } = useSessionUser();
  const canWrite = hasPermission(user, 'incidents:write');
  const names = useUserNames(user);
  const navigate = useNavigate();
  const save = useSaveSchedule();
  const [draft, setDraft] = useState<Draft>(() =>
    schedule
      ? toDraft(schedule)
      : { name: '', description: '', timeZone: BROWSER_ZONE, layers: [newLayer(BROWSER_ZONE, [])] },
  );

  const setLayer = (index: number, patch: Partial<LayerDraft>) =>
    setDraft((d) => ({ ...d, layers: d.layers.map((l, i) => (i === index ? { ...l, ...patch } : l)) }));

  const errorsAt = (pointer: string, except?: string) => fieldError(save.error, pointer, except);
  const hoursErrors = draft.layers.map((l) =>
    l.rotation === 'hours' ? numberRangeError(l.hours, ROTATION_HOURS) : undefined,
  );
  const invalid = hoursErrors.some(Boolean);

  const submit = () =>
    !invalid &&
    save.mutate(
      {
        ...(schedule ? { id: schedule.id } : {}),
        input: {
          name: draft.name.trim(),
          description: draft.description.trim(),
          timeZone: draft.timeZone,
          layers: draft.layers.map(toLayer),
        },
      },
      {
        onSuccess: (saved) => {
          notifications.show({ color: 'green', message: `Schedule “${saved.name}” saved` });
          if (!schedule) void navigate(`/schedules/${encodeURIComponent(saved.id)}`, { replace: true });
        },
      },
    );

  const userPicker = (l: LayerDraft, index: number) =>
    names.canList ? (
      <MultiSelect
        label="Users, in rotation order"
        searchable
        data={names.users.map((u) => ({ value: u.id, label: u.username }))}
        value={l.users}
        onChange={(users) => setLayer(index, { users })}
        error={errorsAt(`/layers/${index}/users`)}
        disabled={!canWrite}
      />
    ) : (
      <TagsInput
        label="User ids, in rotation order"
        description="Only admins can list users; type user ids"
        value={l.users}
        onChange={(users) => setLayer(index, { users })}
        error={errorsAt(`/layers/${index}/users`)}
        disabled={!canWrite}
      />
    );

  return (
    <Stack>
      <Anchor component={Link} to="/schedules" size="sm">
        ← All schedules
      </Anchor>
      <Title order={2}>{schedule ? schedule.name : 'New schedule'}</Title>
      {save.isError && (
        <Alert color="red" title="Schedule not saved" role="alert">
          {describeError(save.error)}
        </Alert>
      )}
      <Card withBorder>
        <SimpleGrid cols={{ base: 1, sm: 3 }}>
          <TextInput
            label="Name"
            required
            value={draft.name}
            onChange={(e) => {
              const name = e.currentTarget.value;
              setDraft((d) => ({ ...d, name }));
            }}
            error={errorsAt('/name')}
            disabled={!canWrite}
          />
          <TextInput
            label="Description"
            value={draft.description}
            onChange={(e) => {
              const description = e.currentTarget.value;
              setDraft((d) => ({ ...d, description }));
            }}
            disabled={!canWrite}
          />
          <Select
            label="Time zone"
            searchable
            data={TIME_ZONES}
            value={draft.timeZone}
            allowDeselect={false}
            onChange={(v) =>
              v &&
              setDraft((d) => ({
                ...d,
                timeZone: v,
                layers: d.layers.map((l) => (l.followsSchedule ? { ...l, timeZone: v } : l)),
              }))
            }
            error={errorsAt('/timeZone')}
            disabled={!canWrite}
          />
        </SimpleGrid>
      </Card>

      <Title order={4}>Layers (lowest first)</Title>
      {draft.layers.map((l, index) => (
        <Card withBorder key={l.id} data-testid="schedule-layer">
          <Group justify="space-between" mb="xs">
            <Text fw={600}>
              Layer {index + 1}{' '}
              <Text span c="dimmed" size="xs">
                ({l.id})
              </Text>
            </Text>
            {canWrite && (
              <ActionIcon
                variant="subtle"
                color="red"
                aria-label={`Remove layer ${index + 1}`}
                onClick={() => setDraft((d) => ({ ...d, layers: d.layers.filter((_, i) => i !== index) }))}
              >
                <IconTrash size={16} />
              </ActionIcon>
            )}
          </Group>
          <SimpleGrid cols={{ base: 1, md: 2 }}>
            {userPicker(l, index)}
            <Group grow align="flex-start">
              <Select
                label="Rotation"
                data={[
                  { value: 'daily', label: 'Daily' },
                  { value: 'weekly', label: 'Weekly' },
                  { value: 'hours', label: 'Every N hours' },
                ]}
                value={l.rotation}
                allowDeselect={false}
                onChange={(v) => v && setLayer(index, { rotation: v })}
                error={errorsAt(
                  `/layers/${index}/rotation`,
                  // With "Every N hours", the Hours field shows its own errors.
                  l.rotation === 'hours' ? `/layers/${index}/rotation/hours` : undefined,
                )}
                disabled={!canWrite}
              />
              {l.rotation === 'hours' && (
                <NumberInput
                  label="Hours"
                  min={ROTATION_HOURS.min}
                  max={ROTATION_HOURS.max}
                  clampBehavior="none"
                  allowDecimal={false}
                  value={l.hours}
                  error={hoursErrors[index] ?? errorsAt(`/layers/${index}/rotation/hours`)}
                  onChange={(hours) => setLayer(index, { hours })}
                  disabled={!canWrite}
                />
              )}
            </Group>
            <TextInput
              type="datetime-local"
              label="First handoff (wall clock in the layer's zone)"
              description="The handoff time of day repeats at every rotation"
              value={l.start}
              onChange={(e) => setLayer(index, { start: e.currentTarget.value.slice(0, 16) })}
              error={errorsAt(`/layers/${index}/start`)}
              disabled={!canWrite}
            />
            <Select
              label="Layer time zone"
              searchable
              data={TIME_ZONES}
              value={l.timeZone}
              allowDeselect={false}
              onChange={(v) => v && setLayer(index, { timeZone: v, followsSchedule: false })}
              error={errorsAt(`/layers/${index}/timeZone`)}
              disabled={!canWrite}
            />
          </SimpleGrid>
        </Card>
      ))}
      {canWrite && (
        <Group>
          <Button
            variant="default"
            leftSection={<IconPlus size={16} />}
            onClick={() => setDraft((d) => ({ ...d, layers: [...d.layers, newLayer(d.timeZone, d.layers)] }))}
          >
            Add layer
          </Button>
          <Button onClick={submit} loading={save.isPending} disabled={draft.name.trim() === '' || invalid}>
            {schedule ? 'Save schedule' : 'Create schedule'}
          </Button>
        </Group>
      )}

      {schedule && <Overrides schedule={schedule} canWrite={canWrite} />}
      {schedule && <ShiftPreview scheduleId={schedule.id} />}
    </Stack>
  );
}

function Overrides({ schedule, canWrite }: { schedule: Schedule; canWrite: boolean }) {
  const { data: user } = useSessionUser();
  const names = useUserNames(user);
  const add = useAddOverride(schedule.id);
  const [who, setWho] = useState<string | null>(user?.id ?? null);
  const [start, setStart] = useState('');
  const [end, setEnd] = useState('');
  const [comment, setComment] = useState('');
  const valid = who !== null && start !== '' && end !== '' && Date.parse(start) < Date.parse(end);

  return (
    <Card withBorder>
      <Title order={4} mb="xs">
        Overrides
      </Title>
      {schedule.overrides.length === 0 ? (
        <Text c="dimmed" size="sm">
          None. An override puts one person on call for a period, above every layer.
        </Text>
      ) : (
        <Table aria-label="Overrides" mb="sm">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>User</Table.Th>
              <Table.Th>From</Table.Th>
              <Table.Th>To</Table.Th>
              <Table.Th>Comment</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {schedule.overrides.map((o) => (
              <Table.Tr key={o.id}>
                <Table.Td>{o.username ?? names.nameOf(o.user)}</Table.Td>
                <Table.Td>{formatDateTime(o.start)}</Table.Td>
                <Table.Td>{formatDateTime(o.end)}</Table.Td>
                <Table.Td>{o.comment}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
      {canWrite && (
        <Stack gap="xs" mt="sm">
          {add.isError && (
            <Alert color="red" title="Override not added" role="alert">
              {describeError(add.error)}
            </Alert>
          )}
          <Group align="flex-end">
            <Select
              label="Who"
              searchable
              w={200}
              data={names.users.map((u) => ({ value: u.id, label: u.username }))}
              value={who}
              onChange={setWho}
            />
            <TextInput
              type="datetime-local"
              label="From (your time)"
              value={start}
              onChange={(e) => setStart(e.currentTarget.value)}
            />
            <TextInput
              type="datetime-local"
              label="To (your time)"
              value={end}
              onChange={(e) => setEnd(e.currentTarget.value)}
            />
            <TextInput label="Comment" value={comment} onChange={(e) => setComment(e.currentTarget.value)} />
            <Button
              disabled={!valid}
              loading={add.isPending}
              onClick={() =>
                who &&
                add.mutate(
                  {
                    user: who,
                    start: new Date(start).toISOString(),
                    end: new Date(end).toISOString(),
                    ...(comment.trim() ? { comment: comment.trim() } : {}),
                  },
                  {
                    onSuccess: () => {
                      setStart('');
                      setEnd('');
                      setComment('');
                    },
                  },
                )
              }
            >
              Add override
            </Button>
          </Group>
        </Stack>
      )}
    </Card>
  );
}

function ShiftPreview({ scheduleId }: { scheduleId: string }) {
  const { data: user } = useSessionUser();
  const names = useUserNames(user);
  const [from, to] = useMemo(() => {
    const now = new Date();
    now.setSeconds(0, 0);
    return [now.toISOString(), new Date(now.getTime() + PREVIEW_DAYS * 86_400_000).toISOString()];
  }, []);
  const shifts = useShifts(scheduleId, from, to);
  return (
    <Card withBorder>
      <Title order={4} mb="xs">
        Upcoming shifts (next {PREVIEW_DAYS} days)
      </Title>
      {shifts.isPending && <Loader size="sm" />}
      {shifts.isError && <Text c="red">{describeError(shifts.error)}</Text>}
      {shifts.data && shifts.data.length === 0 && (
        <Text c="dimmed" size="sm">
          Nobody is on call in this period.
        </Text>
      )}
      {shifts.data && shifts.data.length > 0 && (
        <Table aria-label="Upcoming shifts" striped>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>User</Table.Th>
              <Table.Th>From</Table.Th>
              <Table.Th>To</Table.Th>
              <Table.Th>Via</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {shifts.data.map((s) => (
              <Table.Tr key={`${s.start}-${s.user}`} data-testid="shift-row">
                <Table.Td>{s.username ?? names.nameOf(s.user)}</Table.Td>
                <Table.Td>{formatDateTime(s.start)}</Table.Td>
                <Table.Td>{formatDateTime(s.end)}</Table.Td>
                <Table.Td>
                  <Badge size="sm" variant="light" color={s.via === 'override' ? 'cyan' : 'gray'}>
                    {s.via}
                  </Badge>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
    </Card>
  );
}
