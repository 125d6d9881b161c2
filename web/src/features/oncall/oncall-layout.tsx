import { Stack, Tabs, Text, Title } from '@mantine/core';
import { Outlet, useLocation, useNavigate } from 'react-router';

const TABS = [
  { value: '/on-call', label: 'On call now' },
  { value: '/schedules', label: 'Schedules' },
  { value: '/escalation-policies', label: 'Escalation policies' },
  { value: '/services', label: 'Services' },
  { value: '/routing', label: 'Routing rules' },
  { value: '/silences', label: 'Silences' },
] as const;

/**
 * The On-call section: who is on call, the schedules behind it, how pages escalate, which service
 * an alert belongs to (services, routing rules) and when paging is muted (silences).
 */
export function OnCallLayout() {
  const { pathname } = useLocation();
  const navigate = useNavigate();
  const current = TABS.find((t) => pathname === t.value || pathname.startsWith(`${t.value}/`))?.value ?? null;
  return (
    <Stack>
      <div>
        <Title order={1} size="h3">
          On-call
        </Title>
        <Text c="dimmed" size="sm">
          Who gets paged for an incident, until when, what happens when nobody answers, where alerts are
          routed and when paging is muted.
        </Text>
      </div>
      <Tabs value={current} onChange={(v) => v && void navigate(v)}>
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
