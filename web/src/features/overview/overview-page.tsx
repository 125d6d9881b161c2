import {
  Alert,
  Anchor,
  Badge,
  Card,
  Code,
  Group,
  List,
  Loader,
  SimpleGrid,
  Stack,
  Text,
  Title,
} from '@mantine/core';
import { Link } from 'react-router';
import { describeError } from '../../lib/api.js';
import { hasPermission, useSessionUser } from '../../lib/auth.js';
import { useReadiness } from './api.js';

function ServerStatusCard() {
  const readiness = useReadiness();
  return (
    <Card withBorder padding="lg" radius="md">
      <Title order={4} mb="sm">
        Server
      </Title>
      {readiness.isPending && <Loader size="sm" />}
      {readiness.isError && (
        <Alert color="red" title="Readiness check failed">
          {describeError(readiness.error)}
        </Alert>
      )}
      {readiness.data && (
        <Stack gap="xs" data-testid="readiness">
          <Group gap="xs">
            <Text>Status:</Text>
            <Badge color={readiness.data.ready ? 'green' : 'red'}>
              {readiness.data.ready ? 'ready' : 'not ready'}
            </Badge>
          </Group>
          {readiness.data.database && <Text>Database: {readiness.data.database}</Text>}
          {readiness.data.migrations && (
            <Text>
              Migrations: {readiness.data.migrations.applied} applied, {readiness.data.migrations.pending}{' '}
              pending
            </Text>
          )}
          {readiness.data.problem && (
            <Alert color="red" title={readiness.data.problemCode ?? 'Not ready'}>
              {readiness.data.problem}
            </Alert>
          )}
          <Text size="xs" c="dimmed">
            From <Code>GET /readyz</Code>, refreshed every 30 seconds.
          </Text>
        </Stack>
      )}
    </Card>
  );
}

export function OverviewPage() {
  const { data: user } = useSessionUser();
  if (!user) return null;
  const isAdmin = hasPermission(user, 'users:read');
  return (
    <Stack>
      <Title order={2}>Overview</Title>
      <SimpleGrid cols={{ base: 1, md: 2 }}>
        <Card withBorder padding="lg" radius="md">
          <Title order={4} mb="sm">
            You
          </Title>
          <Stack gap="xs">
            <Text>
              Signed in as <strong data-testid="overview-username">{user.username}</strong>
            </Text>
            <Group gap="xs">
              <Text>Role:</Text>
              <Badge variant="light">{user.role}</Badge>
            </Group>
            <Text size="sm" c="dimmed">
              Permissions
            </Text>
            <Group gap={4} data-testid="overview-permissions">
              {user.permissions.map((p) => (
                <Badge key={p} variant="outline" color="gray" size="sm" tt="none">
                  {p}
                </Badge>
              ))}
            </Group>
          </Stack>
        </Card>
        <ServerStatusCard />
      </SimpleGrid>
      <Card withBorder padding="lg" radius="md">
        <Title order={4} mb="sm">
          Links
        </Title>
        <List spacing="xs">
          <List.Item>
            <Anchor component={Link} to="/settings/tokens">
              API tokens
            </Anchor>{' '}
            — create a token for CI or scripts (<Code>Authorization: Bearer odk_…</Code>).
          </List.Item>
          <List.Item>
            <Anchor href="/api/docs" target="_blank" rel="noreferrer">
              HTTP API reference
            </Anchor>{' '}
            (<Anchor href="/api/openapi.json">OpenAPI document</Anchor>).
          </List.Item>
          <List.Item>
            <Anchor component={Link} to="/guardrails">
              Guardrails
            </Anchor>{' '}
            — run <Code>opsdeck scan</Code> on Terraform in CI.
          </List.Item>
          {isAdmin && (
            <List.Item>
              <Anchor component={Link} to="/settings/users">
                Users
              </Anchor>{' '}
              and{' '}
              <Anchor component={Link} to="/audit">
                audit log
              </Anchor>
              .
            </List.Item>
          )}
          {hasPermission(user, 'metrics:read') && (
            <List.Item>
              <Anchor href="/metrics" target="_blank" rel="noreferrer">
                Prometheus metrics
              </Anchor>{' '}
              (<Code>/metrics</Code>, scrape with a token holding <Code>metrics:read</Code>).
            </List.Item>
          )}
        </List>
      </Card>
    </Stack>
  );
}
