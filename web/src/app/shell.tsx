import { AppShell, Avatar, Badge, Burger, Group, Menu, NavLink, Text, UnstyledButton } from '@mantine/core';
import { useDisclosure, useDocumentTitle } from '@mantine/hooks';
import { notifications } from '@mantine/notifications';
import {
  IconAlertTriangle,
  IconBuildingWarehouse,
  IconCalendarUser,
  IconChevronDown,
  IconGitPullRequest,
  IconHome,
  IconKey,
  IconListCheck,
  IconPlugConnected,
  IconLogout,
  IconSettings,
  IconShieldCheck,
  type Icon,
} from '@tabler/icons-react';
import { Link, Outlet, useLocation, useNavigate } from 'react-router';
import { useLogout } from '../features/auth/api.js';
import { describeError } from '../lib/api.js';
import { hasPermission, useSessionUser } from '../lib/auth.js';

interface NavItem {
  label: string;
  to: string;
  icon: Icon;
  /** Shown only to users holding it. */
  permission?: string;
  /** Other path prefixes this item is the section of. */
  also?: readonly string[];
}

const NAV: readonly NavItem[] = [
  { label: 'Overview', to: '/', icon: IconHome },
  { label: 'Guardrails', to: '/guardrails', icon: IconShieldCheck },
  { label: 'Estate', to: '/estate', icon: IconBuildingWarehouse },
  { label: 'Alerts & Incidents', to: '/incidents', icon: IconAlertTriangle },
  {
    label: 'On-call',
    to: '/on-call',
    icon: IconCalendarUser,
    also: ['/schedules', '/escalation-policies', '/services', '/routing', '/silences'],
  },
  { label: 'Integrations', to: '/integrations', icon: IconPlugConnected },
  { label: 'Changes', to: '/changes', icon: IconGitPullRequest },
  { label: 'Audit', to: '/audit', icon: IconListCheck, permission: 'audit:read' },
  { label: 'Settings', to: '/settings', icon: IconSettings },
];

function isActive(pathname: string, to: string): boolean {
  return to === '/' ? pathname === '/' : pathname === to || pathname.startsWith(`${to}/`);
}

function UserMenu() {
  const { data: user } = useSessionUser();
  const logout = useLogout();
  const navigate = useNavigate();
  if (!user) return null;
  const signOut = () =>
    logout.mutate(undefined, {
      onError: (e) =>
        notifications.show({
          color: 'yellow',
          title: 'Signed out here',
          message: `The server did not confirm: ${describeError(e)}`,
        }),
      onSettled: () => void navigate('/login', { replace: true }),
    });
  return (
    <Menu position="bottom-end" width={220}>
      <Menu.Target>
        <UnstyledButton aria-label="User menu" data-testid="user-menu">
          <Group gap="xs">
            <Avatar size="sm" color="blue" radius="xl">
              {user.username.slice(0, 2).toUpperCase()}
            </Avatar>
            <Text size="sm" fw={500}>
              {user.username}
            </Text>
            <Badge size="sm" variant="light">
              {user.role}
            </Badge>
            <IconChevronDown size={14} />
          </Group>
        </UnstyledButton>
      </Menu.Target>
      <Menu.Dropdown>
        <Menu.Label>Signed in as {user.username}</Menu.Label>
        <Menu.Item component={Link} to="/settings/tokens" leftSection={<IconKey size={16} />}>
          API tokens
        </Menu.Item>
        <Menu.Divider />
        <Menu.Item color="red" leftSection={<IconLogout size={16} />} onClick={signOut}>
          Sign out
        </Menu.Item>
      </Menu.Dropdown>
    </Menu>
  );
}

export function Shell() {
  const [opened, { toggle, close }] = useDisclosure();
  const { pathname } = useLocation();
  const { data: user } = useSessionUser();
  const items = NAV.filter((item) => !item.permission || hasPermission(user, item.permission));
  const current = items.find((item) => [item.to, ...(item.also ?? [])].some((to) => isActive(pathname, to)));
  useDocumentTitle(current ? `${current.label} · opsdeck` : 'opsdeck');
  return (
    <AppShell
      header={{ height: 56 }}
      navbar={{ width: 240, breakpoint: 'sm', collapsed: { mobile: !opened } }}
      padding="lg"
    >
      <AppShell.Header>
        <Group h="100%" px="md" justify="space-between">
          <Group gap="sm">
            <Burger
              opened={opened}
              onClick={toggle}
              hiddenFrom="sm"
              size="sm"
              aria-label="Toggle navigation"
            />
            <Text component={Link} to="/" fw={700} size="lg">
              opsdeck
            </Text>
          </Group>
          <UserMenu />
        </Group>
      </AppShell.Header>
      <AppShell.Navbar p="xs" aria-label="Sections">
        {items.map((item) => (
          <NavLink
            key={item.to}
            component={Link}
            to={item.to}
            label={item.label}
            leftSection={<item.icon size={18} stroke={1.6} />}
            active={item === current}
            aria-current={item === current ? 'page' : undefined}
            onClick={close}
          />
        ))}
      </AppShell.Navbar>
      <AppShell.Main>
        <Outlet />
      </AppShell.Main>
    </AppShell>
  );
}
