import { Alert, Badge, Button, Group, Loader, Select, Stack, Table, Text, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconUserPlus } from '@tabler/icons-react';
import { useState } from 'react';
import { describeError } from '../../lib/api.js';
import { useSessionUser } from '../../lib/auth.js';
import { formatDateTime } from '../../lib/format.js';
import { ROLES, useUpdateUser, useUsers, type Role, type User } from './api.js';
import { AddUserModal } from './add-user-modal.js';
import { ResetPasswordModal } from './reset-password-modal.js';

function isRole(v: string | null): v is Role {
  return v !== null && (ROLES as readonly string[]).includes(v);
}

export function UsersPage() {
  const { data: me } = useSessionUser();
  const users = useUsers();
  const updateUser = useUpdateUser();
  const [adding, setAdding] = useState(false);
  const [resetting, setResetting] = useState<User | null>(null);

  const update = (user: User, patch: { role?: Role; disabled?: boolean }, done: string) => {
    updateUser.mutate(
      { id: user.id, ...patch },
      {
        onSuccess: () => notifications.show({ color: 'green', message: done }),
        onError: (e) =>
          notifications.show({
            color: 'red',
            title: `${user.username} not changed`,
            message: describeError(e),
          }),
      },
    );
  };

  return (
    <Stack>
      <Group justify="space-between">
        <div>
          <Title order={2}>Users</Title>
          <Text c="dimmed" size="sm">
            Roles: viewer reads everything; engineer also operates; approver also approves changes; admin also
            manages users and reads the audit log. Every change here is written to the audit log.
          </Text>
        </div>
        <Button leftSection={<IconUserPlus size={16} />} onClick={() => setAdding(true)}>
          Add user
        </Button>
      </Group>
      {users.isPending && <Loader />}
      {users.isError && (
        <Alert color="red" title="Users could not be loaded">
          {describeError(users.error)}
        </Alert>
      )}
      {users.data && (
        <Table.ScrollContainer minWidth={700}>
          <Table striped highlightOnHover aria-label="Users">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Username</Table.Th>
                <Table.Th>Role</Table.Th>
                <Table.Th>State</Table.Th>
                <Table.Th>Created</Table.Th>
                <Table.Th>Last login</Table.Th>
                <Table.Th />
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {users.data.map((u) => {
                const isMe = u.id === me?.id;
                return (
                  <Table.Tr key={u.id} data-username={u.username}>
                    <Table.Td>
                      {u.username}
                      {isMe && (
                        <Text span c="dimmed" size="sm">
                          {' '}
                          (you)
                        </Text>
                      )}
                    </Table.Td>
                    <Table.Td>
                      <Select
                        aria-label={`Role of ${u.username}`}
                        size="xs"
                        w={130}
                        data={ROLES.map((r) => ({ value: r, label: r }))}
                        value={u.role}
                        allowDeselect={false}
                        disabled={isMe || updateUser.isPending}
                        onChange={(v) => {
                          if (isRole(v) && v !== u.role) update(u, { role: v }, `${u.username} is now ${v}`);
                        }}
                      />
                    </Table.Td>
                    <Table.Td>
                      <Badge color={u.disabled ? 'gray' : 'green'} variant="light">
                        {u.disabled ? 'disabled' : 'active'}
                      </Badge>
                    </Table.Td>
                    <Table.Td>{formatDateTime(u.createdAt)}</Table.Td>
                    <Table.Td>{u.lastLoginAt ? formatDateTime(u.lastLoginAt) : 'never'}</Table.Td>
                    <Table.Td>
                      <Group gap={4} wrap="nowrap">
                        <Button size="xs" variant="subtle" onClick={() => setResetting(u)}>
                          Set password
                        </Button>
                        {!isMe && (
                          <Button
                            size="xs"
                            variant="subtle"
                            color={u.disabled ? 'green' : 'red'}
                            disabled={updateUser.isPending}
                            onClick={() =>
                              update(
                                u,
                                { disabled: !u.disabled },
                                u.disabled ? `${u.username} can sign in again` : `${u.username} is disabled`,
                              )
                            }
                          >
                            {u.disabled ? 'Enable' : 'Disable'}
                          </Button>
                        )}
                      </Group>
                    </Table.Td>
                  </Table.Tr>
                );
              })}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      <ResetPasswordModal
        user={resetting}
        onClose={() => setResetting(null)}
        onDone={(u) => {
          setResetting(null);
          notifications.show({ color: 'green', message: `New password set for ${u.username}` });
        }}
      />
      <AddUserModal
        opened={adding}
        onClose={() => setAdding(false)}
        onCreated={(u) => {
          setAdding(false);
          notifications.show({ color: 'green', message: `${u.username} added as ${u.role}` });
        }}
      />
    </Stack>
  );
}
