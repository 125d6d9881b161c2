import { Stack, Tabs, Text, Title } from '@mantine/core';
import { Outlet, useLocation, useNavigate } from 'react-router';

const TABS = [
  { value: '/on-call', label: 'On call now' },
  { value: '/schedules', label: 'Schedules' },
  { value: '/escalation-policies', label: 'Escalation policies' },
] as const;

/** The On-call section: who is on call, the schedules behind it, and how pages escalate. */
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
          Who gets paged for an incident, until when, and what happens when nobody answers.
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
