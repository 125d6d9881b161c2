import {
  Alert,
  Badge,
  Button,
  Chip,
  Code,
  Group,
  Loader,
  Modal,
  SegmentedControl,
  Select,
  Stack,
  Table,
  Text,
  TextInput,
  Textarea,
} from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconPlus } from '@tabler/icons-react';
import { useMemo, useState } from 'react';
import { hasPermission, useSessionUser } from '../../lib/auth.js';
import { ApiErrorAlert } from '../../lib/error-alert.js';
import { formatDateTime } from '../../lib/format.js';
import { useCreateSilence, useDeleteSilence, useExpireSilence, useSilences, type Silence } from './api.js';
import { ConfirmModal } from './confirm-modal.js';
import { fieldError, linesFieldError, parseLines } from './field-errors.js';

type SilenceState = 'active' | 'upcoming' | 'expired';
const STATE_COLOR: Record<SilenceState, string> = { active: 'green', upcoming: 'blue', expired: 'gray' };
const WEEKDAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'] as const;
const BROWSER_ZONE = Intl.DateTimeFormat().resolvedOptions().timeZone;

/**
 * Active: muting now (the server's `active`). Expired: ended early, past its end, or past its
 * validity. Upcoming: everything else (a one-off that has not started, a recurring window that
 * is not open right now).
 */
function silenceState(s: Silence, now: number): SilenceState {
  if (s.active) return 'active';
  if (s.expiredAt !== null) return 'expired';
  if (s.kind === 'one-off' && s.endsAt !== undefined && Date.parse(s.endsAt) <= now) return 'expired';
  if (s.kind === 'recurring' && s.validUntil && Date.parse(s.validUntil) <= now) return 'expired';
  return 'upcoming';
}

function describeWhen(s: Silence): string {
  if (s.kind === 'one-off') return `${formatDateTime(s.startsAt)} → ${formatDateTime(s.endsAt)}`;
  const days =
    s.days && s.days.length > 0 && s.days.length < 7
      ? s.days.map((d) => WEEKDAYS[d - 1] ?? String(d)).join(', ')
      : 'every day';
  const validity = [
    s.validFrom ? `from ${formatDateTime(s.validFrom)}` : '',
    s.validUntil ? `until ${formatDateTime(s.validUntil)}` : '',
  ]
    .filter(Boolean)
    .join(' ');
  return `${days} ${s.start ?? ''}–${s.end ?? ''} (${s.timeZone ?? ''})${validity ? `, ${validity}` : ''}`;
}

/** Silences: maintenance windows that mute paging for matching alerts (incidents are still recorded). */
export function SilencesPage() {
  const { data: user } = useSessionUser();
  const canWrite = hasPermission(user, 'incidents:write');
  const silences = useSilences();
  const expire = useExpireSilence();
  const remove = useDeleteSilence();
  const [filter, setFilter] = useState<SilenceState | 'all'>('active');
  const [creating, setCreating] = useState(false);
  const [confirm, setConfirm] = useState<{ kind: 'expire' | 'delete'; silence: Silence } | null>(null);
  // Classified against the time of the last fetch, so the list and the server agree.
  const fetchedAt = silences.dataUpdatedAt;
  const classified = useMemo(
    () => (silences.data ?? []).map((s) => ({ silence: s, state: silenceState(s, fetchedAt) })),
    [silences.data, fetchedAt],
  );
  const count = (state: SilenceState) => classified.filter((c) => c.state === state).length;
  const shown = classified.filter((c) => filter === 'all' || c.state === filter);
  const pending = confirm?.kind === 'expire' ? expire : remove;

  return (
    <Stack>
      <Group justify="space-between" align="flex-start">
        <Text size="sm" c="dimmed" maw={760}>
          A silence mutes paging for alerts whose labels match all of its matchers. Silenced alerts are still
          recorded and their incidents are marked silenced. One-off silences cover one period; recurring ones
          open a window on chosen weekdays, in a time zone.
        </Text>
        {canWrite && (
          <Button leftSection={<IconPlus size={16} />} onClick={() => setCreating(true)}>
            New silence
          </Button>
        )}
      </Group>
      <SegmentedControl
        aria-label="Show silences"
        value={filter}
        onChange={(v) => setFilter(v)}
        data={[
          { value: 'active', label: `Active (${count('active')})` },
          { value: 'upcoming', label: `Upcoming (${count('upcoming')})` },
          { value: 'expired', label: `Expired (${count('expired')})` },
          { value: 'all', label: `All (${classified.length})` },
        ]}
        w="fit-content"
      />
      {silences.isPending && <Loader />}
      {silences.isError && <ApiErrorAlert title="Silences could not be loaded" error={silences.error} />}
      {silences.data && shown.length === 0 && (
        <Alert title={filter === 'all' ? 'No silences' : `No ${filter} silences`}>
          {filter === 'active' ? 'Every matching alert pages as usual.' : 'Nothing to show here.'}
        </Alert>
      )}
      {shown.length > 0 && (
        <Table.ScrollContainer minWidth={900}>
          <Table striped aria-label="Silences">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>State</Table.Th>
                <Table.Th>Matchers</Table.Th>
                <Table.Th>When</Table.Th>
                <Table.Th>Comment</Table.Th>
                <Table.Th>Created</Table.Th>
                {canWrite && <Table.Th />}
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {shown.map(({ silence: s, state }) => (
                <Table.Tr key={s.id} data-testid="silence-row">
                  <Table.Td>
                    <Stack gap={2}>
                      <Badge color={STATE_COLOR[state]} variant="light" data-testid="silence-state">
                        {state}
                      </Badge>
                      <Text size="xs" c="dimmed">
                        {s.kind}
                      </Text>
                    </Stack>
                  </Table.Td>
                  <Table.Td>
                    <Stack gap={2}>
                      {s.matchers.map((m) => (
                        <Code key={m}>{m}</Code>
                      ))}
                    </Stack>
                  </Table.Td>
                  <Table.Td>
                    <Text size="sm">{describeWhen(s)}</Text>
                    {s.expiredAt && (
                      <Text size="xs" c="dimmed">
                        ended early {formatDateTime(s.expiredAt)}
                      </Text>
                    )}
                  </Table.Td>
                  <Table.Td>{s.comment}</Table.Td>
                  <Table.Td>
                    <Text size="sm">{s.createdBy}</Text>
                    <Text size="xs" c="dimmed">
                      {formatDateTime(s.createdAt)}
                    </Text>
                  </Table.Td>
                  {canWrite && (
                    <Table.Td>
                      <Group gap="xs" justify="flex-end" wrap="nowrap">
                        {state !== 'expired' && (
                          <Button
                            size="xs"
                            variant="default"
                            onClick={() => setConfirm({ kind: 'expire', silence: s })}
                          >
                            Expire now
                          </Button>
                        )}
                        <Button
                          size="xs"
                          variant="subtle"
                          color="red"
                          onClick={() => setConfirm({ kind: 'delete', silence: s })}
                        >
                          Delete
                        </Button>
                      </Group>
                    </Table.Td>
                  )}
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      {confirm && (
        <ConfirmModal
          title={confirm.kind === 'expire' ? 'End the silence now?' : 'Delete the silence?'}
          confirmLabel={confirm.kind === 'expire' ? 'Expire silence' : 'Delete silence'}
          pending={pending.isPending}
          error={pending.error}
          onClose={() => {
            pending.reset();
            setConfirm(null);
          }}
          onConfirm={() =>
            pending.mutate(confirm.silence.id, {
              onSuccess: () => {
                notifications.show({
                  color: 'green',
                  message: confirm.kind === 'expire' ? 'Silence expired' : 'Silence deleted',
                });
                setConfirm(null);
              },
            })
          }
        >
          {confirm.kind === 'expire'
            ? 'Matching alerts page again from now on. The silence stays listed as expired.'
            : 'The silence is removed from the list; incidents it muted keep their history.'}{' '}
          <Code>{confirm.silence.matchers.join(', ')}</Code>
        </ConfirmModal>
      )}
      {creating && <SilenceEditor onClose={() => setCreating(false)} />}
    </Stack>
  );
}

/** `YYYY-MM-DDTHH:mm` in the browser's zone, for datetime-local inputs. */
function localInput(ms: number): string {
  const d = new Date(ms);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** A datetime-local value as an ISO instant; undefined when empty or not a date. */
function instant(local: string): string | undefined {
  if (local.trim() === '') return undefined;
  const ms = Date.parse(local);
  return Number.isNaN(ms) ? undefined : new Date(ms).toISOString();
}

function SilenceEditor({ onClose }: { onClose: () => void }) {
  const create = useCreateSilence();
  // The browser's own zone first, even when Intl does not list it (UTC, Etc/UTC).
  const zones = useMemo(() => [...new Set([BROWSER_ZONE, 'UTC', ...Intl.supportedValuesOf('timeZone')])], []);
  const [kind, setKind] = useState<'one-off' | 'recurring'>('one-off');
  const [matchers, setMatchers] = useState('');
  const [comment, setComment] = useState('');
  const [startsAt, setStartsAt] = useState('');
  const [endsAt, setEndsAt] = useState(() => localInput(Date.now() + 2 * 3_600_000));
  const [timeZone, setTimeZone] = useState<string | null>(BROWSER_ZONE);
  const [days, setDays] = useState<string[]>(['1', '2', '3', '4', '5', '6', '7']);
  const [start, setStart] = useState('22:00');
  const [end, setEnd] = useState('06:00');
  const [validFrom, setValidFrom] = useState('');
  const [validUntil, setValidUntil] = useState('');
  const errorsAt = (pointer: string) => fieldError(create.error, pointer);

  const submit = () => {
    const common = {
      matchers: parseLines(matchers),
      ...(comment.trim() !== '' && { comment: comment.trim() }),
    };
    const from = instant(validFrom);
    const until = instant(validUntil);
    const starts = instant(startsAt);
    create.mutate(
      kind === 'one-off'
        ? { kind, ...common, ...(starts && { startsAt: starts }), endsAt: instant(endsAt) ?? endsAt }
        : {
            kind,
            ...common,
            timeZone: timeZone ?? '',
            ...(days.length < 7 && { days: days.map(Number) }),
            start: start.trim(),
            end: end.trim(),
            ...(from && { validFrom: from }),
            ...(until && { validUntil: until }),
          },
      {
        onSuccess: () => {
          notifications.show({
            color: 'green',
            message: `${kind === 'one-off' ? 'Silence' : 'Recurring silence'} created`,
          });
          onClose();
        },
      },
    );
  };

  return (
    <Modal opened onClose={onClose} title="New silence" size="lg">
      <Stack>
        {create.isError && <ApiErrorAlert title="Silence not created" error={create.error} />}
        <SegmentedControl
          aria-label="Kind"
          value={kind}
          onChange={(v) => setKind(v === 'recurring' ? 'recurring' : 'one-off')}
          data={[
            { value: 'one-off', label: 'One-off' },
            { value: 'recurring', label: 'Recurring' },
          ]}
        />
        <Textarea
          label="Label matchers"
          description='One per line, all must match: name="value", name!="value", name=~"regex", name!~"regex"'
          required
          autosize
          minRows={2}
          value={matchers}
          error={linesFieldError(create.error, '/matchers')}
          onChange={(e) => setMatchers(e.currentTarget.value)}
          styles={{ input: { fontFamily: 'var(--mantine-font-family-monospace)' } }}
        />
        {kind === 'one-off' ? (
          <Group grow align="flex-start">
            <TextInput
              type="datetime-local"
              label="Starts (your time)"
              description="Empty: now"
              value={startsAt}
              error={errorsAt('/startsAt')}
              onChange={(e) => setStartsAt(e.currentTarget.value)}
            />
            <TextInput
              type="datetime-local"
              label="Ends (your time)"
              required
              value={endsAt}
              error={errorsAt('/endsAt')}
              onChange={(e) => setEndsAt(e.currentTarget.value)}
            />
          </Group>
        ) : (
          <>
            <Select
              label="Time zone"
              description="The window's times are wall-clock times in this zone"
              required
              searchable
              data={zones}
              value={timeZone}
              error={errorsAt('/timeZone')}
              onChange={setTimeZone}
            />
            <Stack gap={4}>
              <Text size="sm" fw={500}>
                Days the window starts on
              </Text>
              <Chip.Group multiple value={days} onChange={setDays}>
                <Group gap={6}>
                  {WEEKDAYS.map((d, i) => (
                    <Chip key={d} value={String(i + 1)} size="xs">
                      {d}
                    </Chip>
                  ))}
                </Group>
              </Chip.Group>
              {errorsAt('/days') && (
                <Text c="red" size="xs">
                  {errorsAt('/days')}
                </Text>
              )}
            </Stack>
            <Group grow align="flex-start">
              <TextInput
                label="From (HH:mm)"
                required
                value={start}
                error={errorsAt('/start')}
                onChange={(e) => setStart(e.currentTarget.value)}
              />
              <TextInput
                label="To (HH:mm)"
                description="Not after the start: runs past midnight"
                required
                value={end}
                error={errorsAt('/end')}
                onChange={(e) => setEnd(e.currentTarget.value)}
              />
            </Group>
            <Group grow align="flex-start">
              <TextInput
                type="datetime-local"
                label="Valid from (optional)"
                value={validFrom}
                error={errorsAt('/validFrom')}
                onChange={(e) => setValidFrom(e.currentTarget.value)}
              />
              <TextInput
                type="datetime-local"
                label="Valid until (optional)"
                value={validUntil}
                error={errorsAt('/validUntil')}
                onChange={(e) => setValidUntil(e.currentTarget.value)}
              />
            </Group>
          </>
        )}
        <TextInput
          label="Comment"
          description="Why, and a ticket if there is one"
          value={comment}
          error={errorsAt('/comment')}
          onChange={(e) => setComment(e.currentTarget.value)}
        />
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            Cancel
          </Button>
          <Button
            onClick={submit}
            loading={create.isPending}
            disabled={parseLines(matchers).length === 0 || (kind === 'recurring' && days.length === 0)}
          >
            Create silence
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
