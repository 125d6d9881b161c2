import { Stack, Tabs, Text, Title } from '@mantine/core';
import { Outlet, useLocation, useNavigate } from 'react-router';

const TABS = [
  { value: 'overview', label: 'Overview' },
  { value: 'resources', label: 'Resources' },
  { value: 'plans', label: 'Decommission plans' },
  { value: 'certificates', label: 'Certificates' },
] as const;

/** The Estate section: overview, resource explorer, decommission plans and certificates as tabs. */
export function EstateLayout() {
  const { pathname } = useLocation();
  const navigate = useNavigate();
  const sub = pathname.replace(/^\/estate\/?/, '').split('/')[0] ?? '';
  const current = TABS.find((t) => t.value === sub)?.value ?? 'overview';
  return (
    <Stack>
      <div>
        <Title order={1} size="h3">
          Estate
        </Title>
        <Text c="dimmed" size="sm">
          What runs in your cloud accounts, whether code manages it, who owns it, and what it costs.
        </Text>
      </div>
      <Tabs
        value={current}
        onChange={(v) => v && void navigate(v === 'overview' ? '/estate' : `/estate/${v}`)}
      >
        <Tabs.List>
          {TABS.map((t) => (
            <Tabs.Tab key={t.value} value={t.value}>
              {t.label}
            </Tabs.Tab>
          ))}
        </Tabs.List>
      </Tabs>
      <Outlet />
    </Stack>
  );
}
