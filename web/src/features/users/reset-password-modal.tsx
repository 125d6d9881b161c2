import { Alert, Button, Group, Modal, PasswordInput, Stack, Text } from '@mantine/core';
import { useForm } from '@mantine/form';
import { describeError } from '../../lib/api.js';
import { useUpdateUser, type User } from './api.js';

interface ResetPasswordModalProps {
  user: User | null;
  onClose: () => void;
  onDone: (user: User) => void;
}

export function ResetPasswordModal({ user, onClose, onDone }: ResetPasswordModalProps) {
  const updateUser = useUpdateUser();
  const form = useForm({
    mode: 'controlled',
    initialValues: { password: '' },
    validate: { password: (v) => (v.length < 8 ? 'Use at least 8 characters' : null) },
  });
  const close = () => {
    form.reset();
    updateUser.reset();
    onClose();
  };
  return (
    <Modal opened={user !== null} onClose={close} title={`Set a new password for ${user?.username ?? ''}`}>
      <form
        onSubmit={form.onSubmit((values) => {
          if (!user) return;
          updateUser.mutate(
            { id: user.id, password: values.password },
            {
              onSuccess: (updated) => {
                form.reset();
                updateUser.reset();
                onDone(updated);
              },
            },
          );
        })}
      >
        <Stack>
          {updateUser.isError && (
            <Alert color="red" title="Password not changed" role="alert">
              {describeError(updateUser.error)}
            </Alert>
          )}
          <Text size="sm">The user is signed out everywhere and signs in again with the new password.</Text>
          <PasswordInput
            label="New password"
            autoComplete="new-password"
            {...form.getInputProps('password')}
          />
          <Group justify="flex-end">
            <Button variant="default" onClick={close}>
              Cancel
            </Button>
            <Button type="submit" loading={updateUser.isPending}>
              Set password
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
