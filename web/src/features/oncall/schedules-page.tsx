import { Alert, Anchor, Badge, Button, Group, Loader, Table, Text, Stack } from '@mantine/core';
import { IconCalendarPlus } from '@tabler/icons-react';
import { Link } from 'react-router';
import { describeError } from '../../lib/api.js';
import { hasPermission, useSessionUser } from '../../lib/auth.js';
import { formatDateTime } from '../../lib/format.js';
import { useSchedules, type Rotation } from './api.js';

export function rotationLabel(r: Rotation): string {
  return r.type === 'hours' ? `every ${r.hours} h` : r.type;
}

export function SchedulesPage() {
  const { data: user } = useSessionUser();
  const canWrite = hasPermission(user, 'incidents:write');
  const schedules = useSchedules();
  return (
    <Stack>
      <Group justify="space-between">
        <Text size="sm" c="dimmed">
          Layered rotations: a higher layer with someone on call hides the layers below; overrides win over
          all.
        </Text>
        {canWrite && (
          <Button component={Link} to="/schedules/new" leftSection={<IconCalendarPlus size={16} />}>
            New schedule
          </Button>
        )}
      </Group>
      {schedules.isPending && <Loader />}
      {schedules.isError && (
        <Alert color="red" title="Schedules could not be loaded" role="alert">
          {describeError(schedules.error)}
        </Alert>
      )}
      {schedules.data && schedules.data.length === 0 && (
        <Alert title="No schedules yet">Create the first one.</Alert>
      )}
      {schedules.data && schedules.data.length > 0 && (
        <Table striped highlightOnHover aria-label="Schedules">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Name</Table.Th>
              <Table.Th>Time zone</Table.Th>
              <Table.Th>Layers</Table.Th>
              <Table.Th>Overrides</Table.Th>
              <Table.Th>Updated</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {schedules.data.map((s) => (
              <Table.Tr key={s.id}>
                <Table.Td>
                  <Anchor component={Link} to={`/schedules/${encodeURIComponent(s.id)}`}>
                    {s.name}
                  </Anchor>
                </Table.Td>
                <Table.Td>{s.timeZone}</Table.Td>
                <Table.Td>
                  <Group gap={4}>
                    {s.layers.map((l) => (
                      <Badge key={l.id} variant="light" size="sm">
                        {l.users.length} users, {rotationLabel(l.rotation)}
                      </Badge>
                    ))}
                  </Group>
                </Table.Td>
                <Table.Td>{s.overrides.length}</Table.Td>
                <Table.Td>{formatDateTime(s.updatedAt)}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
    </Stack>
  );
}
