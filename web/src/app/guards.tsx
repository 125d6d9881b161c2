import { Alert, Button, Center, Code, Loader, Stack, Text, Title } from '@mantine/core';
import type { ReactNode } from 'react';
import { Link, Navigate, useLocation } from 'react-router';
import { describeError } from '../lib/api.js';
import { hasPermission, useSessionUser } from '../lib/auth.js';

/** Renders its children for a signed-in user; otherwise sends them to /login and back after. */
export function RequireAuth({ children }: { children: ReactNode }) {
  const session = useSessionUser();
  const location = useLocation();
  if (session.isPending) {
    return (
      <Center mih="100vh">
        <Loader aria-label="Loading" />
      </Center>
    );
  }
  if (session.isError) {
    return (
      <Center mih="100vh" p="md">
        <Alert color="red" title="opsdeck is not answering" maw={520}>
          <Stack gap="sm">
            <Text size="sm">{describeError(session.error)}</Text>
            <Button size="xs" variant="light" onClick={() => void session.refetch()}>
              Try again
            </Button>
          </Stack>
        </Alert>
      </Center>
    );
  }
  if (!session.data) {
    const next = `${location.pathname}${location.search}`;
    const to = next === '/' ? '/login' : `/login?next=${encodeURIComponent(next)}`;
    return <Navigate to={to} replace />;
  }
  return children;
}

/**
 * Renders its children only when the user holds `permission`. The API enforces the same rule
 * (403); this page says so plainly instead of showing a broken view.
 */
export function RequirePermission({ permission, children }: { permission: string; children: ReactNode }) {
  const { data: user } = useSessionUser();
  if (hasPermission(user, permission)) return children;
  return (
    <Stack maw={640} data-testid="forbidden">
      <Title order={2}>You need the admin role</Title>
      <Text>
        This page needs the <Code>{permission}</Code> permission, which only the admin role holds. You are
        signed in as <strong>{user?.username}</strong> with the role <strong>{user?.role}</strong>.
      </Text>
      <Text c="dimmed" size="sm">
        Ask an opsdeck admin to change your role if you need access.
      </Text>
      <div>
        <Button component={Link} to="/" variant="light">
          Back to the overview
        </Button>
      </div>
    </Stack>
  );
}

export function NotFoundPage() {
  const location = useLocation();
  return (
    <Stack maw={640}>
      <Title order={2}>Page not found</Title>
      <Text>
        There is no dashboard page at <Code>{location.pathname}</Code>.
      </Text>
      <div>
        <Button component={Link} to="/" variant="light">
          Back to the overview
        </Button>
      </div>
    </Stack>
  );
}
