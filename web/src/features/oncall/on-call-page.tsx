import { Alert, Anchor, Avatar, Badge, Group, Loader, Table, Text } from '@mantine/core';
import { IconCalendarOff } from '@tabler/icons-react';
import { Link } from 'react-router';
import { describeError } from '../../lib/api.js';
import { formatDateTime } from '../../lib/format.js';
import { useOnCallNow } from './api.js';

function Person({ name }: { name: string }) {
  return (
    <Group gap="xs" wrap="nowrap">
      <Avatar size="sm" radius="xl" color="grape">
        {name.slice(0, 2).toUpperCase()}
      </Avatar>
      <Text size="sm" fw={500}>
        {name}
      </Text>
    </Group>
  );
}

/** Every schedule with who is on call right now, since and until when, and who is next. */
export function OnCallPage() {
  const onCall = useOnCallNow();
  if (onCall.isPending) return <Loader />;
  if (onCall.isError) {
    return (
      <Alert color="red" title="On-call could not be loaded" role="alert">
        {describeError(onCall.error)}
      </Alert>
    );
  }
  if (onCall.data.length === 0) {
    return (
      <Alert icon={<IconCalendarOff size={18} />} title="No schedules yet">
        Create a schedule under{' '}
        <Anchor component={Link} to="/schedules">
          Schedules
        </Anchor>{' '}
        and reference it from an escalation policy.
      </Alert>
    );
  }
  return (
    <Table.ScrollContainer minWidth={800}>
      <Table striped aria-label="On call now">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Schedule</Table.Th>
            <Table.Th>On call now</Table.Th>
            <Table.Th>Via</Table.Th>
            <Table.Th>Since</Table.Th>
            <Table.Th>Until</Table.Th>
            <Table.Th>Next</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {onCall.data.map((o) => (
            <Table.Tr key={o.scheduleId} data-testid="on-call-row">
              <Table.Td>
                <Anchor component={Link} to={`/schedules/${encodeURIComponent(o.scheduleId)}`}>
                  {o.scheduleName}
                </Anchor>
              </Table.Td>
              <Table.Td data-testid="on-call-user">
                {o.onCall ? (
                  <Person name={o.onCall.username ?? o.onCall.user} />
                ) : (
                  <Badge color="orange" variant="light">
                    nobody
                  </Badge>
                )}
              </Table.Td>
              <Table.Td>
                {o.onCall?.via === 'override' ? (
                  <Badge size="sm" color="cyan" variant="light">
                    override
                  </Badge>
                ) : (
                  <Text size="sm" c="dimmed">
                    {o.onCall?.via ?? '—'}
                  </Text>
                )}
              </Table.Td>
              <Table.Td>
                {o.onCall ? (o.onCall.since ? formatDateTime(o.onCall.since) : 'over 60 days ago') : '—'}
              </Table.Td>
              <Table.Td>
                {o.onCall ? (o.onCall.until ? formatDateTime(o.onCall.until) : 'beyond 60 days') : '—'}
              </Table.Td>
              <Table.Td>
                {o.next ? (
                  <Text size="sm">
                    {o.next.username ?? o.next.user}{' '}
                    <Text span c="dimmed" size="xs">
                      from {formatDateTime(o.next.start)}
                    </Text>
                  </Text>
                ) : (
                  '—'
                )}
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}
