import { Alert, Badge, Button, Group, Loader, Modal, Stack, Switch, Table, Text, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconKey, IconPlus } from '@tabler/icons-react';
import { useState } from 'react';
import { describeError } from '../../lib/api.js';
import { useSessionUser } from '../../lib/auth.js';
import { formatDateTime } from '../../lib/format.js';
import { useRevokeToken, useTokens, type ApiToken } from './api.js';
import { CreateTokenModal } from './create-token-modal.js';
import { TokenSecretModal } from './token-secret-modal.js';

function tokenState(t: ApiToken): { label: string; color: string } {
  if (t.revokedAt) return { label: 'revoked', color: 'gray' };
  if (Date.parse(t.expiresAt) <= Date.now()) return { label: 'expired', color: 'orange' };
  return { label: 'active', color: 'green' };
}

export function TokensPage() {
  const { data: user } = useSessionUser();
  const isAdmin = user?.role === 'admin';
  const [showAll, setShowAll] = useState(false);
  const tokens = useTokens(isAdmin && showAll);
  const revoke = useRevokeToken();
  const [creating, setCreating] = useState(false);
  const [created, setCreated] = useState<{ name: string; secret: string } | null>(null);
  const [toRevoke, setToRevoke] = useState<ApiToken | null>(null);

  const confirmRevoke = () => {
    if (!toRevoke) return;
    const token = toRevoke;
    revoke.mutate(token.id, {
      onSuccess: () => {
        setToRevoke(null);
        notifications.show({ color: 'green', message: `Token “${token.name}” revoked` });
      },
      onError: (e) => notifications.show({ color: 'red', title: 'Revoke failed', message: describeError(e) }),
    });
  };

  return (
    <Stack>
      <Group justify="space-between">
        <div>
          <Title order={2}>API tokens</Title>
          <Text c="dimmed" size="sm">
            Tokens let CI jobs and scripts call the API as you, limited to the scopes you choose.
          </Text>
        </div>
        <Button leftSection={<IconPlus size={16} />} onClick={() => setCreating(true)}>
          Create token
        </Button>
      </Group>
      {isAdmin && (
        <Switch
          label="Show every user's tokens"
          checked={showAll}
          onChange={(e) => setShowAll(e.currentTarget.checked)}
        />
      )}
      {tokens.isPending && <Loader />}
      {tokens.isError && (
        <Alert color="red" title="Tokens could not be loaded">
          {describeError(tokens.error)}
        </Alert>
      )}
      {tokens.data && tokens.data.length === 0 && (
        <Alert icon={<IconKey size={18} />} title="No tokens yet">
          Create one for your CI pipeline; its secret is shown once.
        </Alert>
      )}
      {tokens.data && tokens.data.length > 0 && (
        <Table.ScrollContainer minWidth={800}>
          <Table striped highlightOnHover aria-label="API tokens">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Name</Table.Th>
                {isAdmin && showAll && <Table.Th>Owner</Table.Th>}
                <Table.Th>Scopes</Table.Th>
                <Table.Th>Created</Table.Th>
                <Table.Th>Expires</Table.Th>
                <Table.Th>Last used</Table.Th>
                <Table.Th>State</Table.Th>
                <Table.Th />
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {tokens.data.map((t) => {
                const state = tokenState(t);
                return (
                  <Table.Tr key={t.id}>
                    <Table.Td>{t.name}</Table.Td>
                    {isAdmin && showAll && <Table.Td>{t.username}</Table.Td>}
                    <Table.Td>
                      <Group gap={4}>
                        {t.scopes.map((s) => (
                          <Badge key={s} variant="outline" size="sm">
                            {s}
                          </Badge>
                        ))}
                      </Group>
                    </Table.Td>
                    <Table.Td>{formatDateTime(t.createdAt)}</Table.Td>
                    <Table.Td>{formatDateTime(t.expiresAt)}</Table.Td>
                    <Table.Td>{t.lastUsedAt ? formatDateTime(t.lastUsedAt) : 'never'}</Table.Td>
                    <Table.Td>
                      <Badge color={state.color} variant="light">
                        {state.label}
                      </Badge>
                    </Table.Td>
                    <Table.Td>
                      {!t.revokedAt && (
                        <Button size="xs" color="red" variant="subtle" onClick={() => setToRevoke(t)}>
                          Revoke
                        </Button>
                      )}
                    </Table.Td>
                  </Table.Tr>
                );
              })}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}

      <CreateTokenModal
        opened={creating}
        availableScopes={user?.permissions ?? []}
        onClose={() => setCreating(false)}
        onCreated={(c) => {
          setCreating(false);
          setCreated({ name: c.token.name, secret: c.secret });
        }}
      />
      <TokenSecretModal
        name={created?.name ?? ''}
        secret={created?.secret ?? null}
        onClose={() => setCreated(null)}
      />
      <Modal opened={toRevoke !== null} onClose={() => setToRevoke(null)} title="Revoke token?">
        <Stack>
          <Text>
            Revoke <strong>{toRevoke?.name}</strong>? Anything using it gets 401 from now on. This cannot be
            undone.
          </Text>
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setToRevoke(null)}>
              Cancel
            </Button>
            <Button color="red" loading={revoke.isPending} onClick={confirmRevoke}>
              Revoke token
            </Button>
          </Group>
        </Stack>
      </Modal>
    </Stack>
  );
}
