import { Stack, Tabs, Title } from '@mantine/core';
import { Outlet, useLocation, useNavigate } from 'react-router';
import { hasPermission, useSessionUser } from '../lib/auth.js';

/** Settings: API tokens for everyone, Users for admins (the tab is hidden from others). */
export function SettingsLayout() {
  const { data: user } = useSessionUser();
  const { pathname } = useLocation();
  const navigate = useNavigate();
  const current = pathname.startsWith('/settings/users') ? 'users' : 'tokens';
  return (
    <Stack>
      <Title order={1} size="h3">
        Settings
      </Title>
      <Tabs value={current} onChange={(v) => v && void navigate(`/settings/${v}`)}>
        <Tabs.List>
          <Tabs.Tab value="tokens">API tokens</Tabs.Tab>
          {hasPermission(user, 'users:read') && <Tabs.Tab value="users">Users</Tabs.Tab>}
        </Tabs.List>
      </Tabs>
      <Outlet />
    </Stack>
  );
}
