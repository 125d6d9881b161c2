import {
  Alert,
  Button,
  Checkbox,
  Group,
  Modal,
  NumberInput,
  SimpleGrid,
  Stack,
  TextInput,
} from '@mantine/core';
import { useForm } from '@mantine/form';
import { describeError } from '../../lib/api.js';
import { useCreateToken, type CreatedToken } from './api.js';

interface CreateTokenModalProps {
  opened: boolean;
  /** The caller's own permissions: a token's scopes must be a subset of them. */
  availableScopes: readonly string[];
  onClose: () => void;
  onCreated: (created: CreatedToken) => void;
}

export function CreateTokenModal({ opened, availableScopes, onClose, onCreated }: CreateTokenModalProps) {
  const createToken = useCreateToken();
  const form = useForm({
    mode: 'controlled',
    initialValues: { name: '', scopes: [] as string[], expiresInDays: 30 as number | string },
    validate: {
      name: (v) => (v.trim() === '' ? 'Give the token a name, e.g. "ci-terraform"' : null),
      scopes: (v) => (v.length === 0 ? 'Choose at least one scope' : null),
      expiresInDays: (v) =>
        typeof v === 'number' && Number.isInteger(v) && v >= 1 && v <= 365
          ? null
          : 'Expiry must be a whole number of days from 1 to 365',
    },
  });

  const close = () => {
    form.reset();
    createToken.reset();
    onClose();
  };

  return (
    <Modal opened={opened} onClose={close} title="Create API token" size="lg">
      <form
        onSubmit={form.onSubmit((values) =>
          createToken.mutate(
            { name: values.name.trim(), scopes: values.scopes, expiresInDays: Number(values.expiresInDays) },
            {
              onSuccess: (created) => {
                form.reset();
                createToken.reset();
                onCreated(created);
              },
            },
          ),
        )}
      >
        <Stack>
          {createToken.isError && (
            <Alert color="red" title="Token not created" role="alert">
              {describeError(createToken.error)}
            </Alert>
          )}
          <TextInput label="Name" placeholder="ci-terraform" {...form.getInputProps('name')} />
          <Checkbox.Group
            label="Scopes"
            description="What the token may do; never more than your own role allows."
            {...form.getInputProps('scopes')}
          >
            <SimpleGrid cols={{ base: 1, sm: 2 }} mt="xs">
              {availableScopes.map((scope) => (
                <Checkbox key={scope} value={scope} label={scope} />
              ))}
            </SimpleGrid>
          </Checkbox.Group>
          <NumberInput
            label="Expires in (days)"
            min={1}
            max={365}
            allowDecimal={false}
            {...form.getInputProps('expiresInDays')}
          />
          <Group justify="flex-end">
            <Button variant="default" onClick={close}>
              Cancel
            </Button>
            <Button type="submit" loading={createToken.isPending}>
              Create token
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
