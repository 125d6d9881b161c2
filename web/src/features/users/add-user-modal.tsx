import { Alert, Button, Group, Modal, PasswordInput, Select, Stack, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { describeError } from '../../lib/api.js';
import { ROLES, useCreateUser, type Role, type User } from './api.js';

interface AddUserModalProps {
  opened: boolean;
  onClose: () => void;
  onCreated: (user: User) => void;
}

function isRole(v: string): v is Role {
  return (ROLES as readonly string[]).includes(v);
}

export function AddUserModal({ opened, onClose, onCreated }: AddUserModalProps) {
  const createUser = useCreateUser();
  const form = useForm({
    mode: 'controlled',
    initialValues: { username: '', password: '', role: 'viewer' },
    validate: {
      username: (v) => (v.trim() === '' ? 'Enter a username' : null),
      password: (v) => (v.length < 8 ? 'Use at least 8 characters' : null),
      role: (v) => (isRole(v) ? null : 'Choose a role'),
    },
  });

  const close = () => {
    form.reset();
    createUser.reset();
    onClose();
  };

  return (
    <Modal opened={opened} onClose={close} title="Add user">
      <form
        onSubmit={form.onSubmit((values) => {
          if (!isRole(values.role)) return;
          createUser.mutate(
            { username: values.username.trim(), password: values.password, role: values.role },
            {
              onSuccess: (user) => {
                form.reset();
                createUser.reset();
                onCreated(user);
              },
            },
          );
        })}
      >
        <Stack>
          {createUser.isError && (
            <Alert color="red" title="User not created" role="alert">
              {describeError(createUser.error)}
            </Alert>
          )}
          <TextInput label="Username" autoComplete="off" {...form.getInputProps('username')} />
          <PasswordInput
            label="Initial password"
            description="Share it with the person over a safe channel."
            autoComplete="new-password"
            {...form.getInputProps('password')}
          />
          <Select
            label="Role"
            data={ROLES.map((r) => ({ value: r, label: r }))}
            allowDeselect={false}
            {...form.getInputProps('role')}
          />
          <Group justify="flex-end">
            <Button variant="default" onClick={close}>
              Cancel
            </Button>
            <Button type="submit" loading={createUser.isPending}>
              Add user
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
