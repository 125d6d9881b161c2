import { Alert, Card, Code, List, Stack, Text, Title } from '@mantine/core';

export function IncidentsPage() {
  return (
    <Stack>
      <div>
        <Title order={2}>Alerts &amp; Incidents</Title>
        <Text c="dimmed">From a firing alert to a resolved incident, with who was paged and when.</Text>
      </div>
      <Alert title="What this page will hold">
        <List size="sm" spacing={4}>
          <List.Item>
            Alerts received from Prometheus Alertmanager and other sources, de-duplicated and grouped.
          </List.Item>
          <List.Item>
            Incidents, the actionable unit: triggered → acknowledged → resolved, with a timeline, severity,
            assignee and runbooks.
          </List.Item>
          <List.Item>On-call schedules and escalation policies per service and team.</List.Item>
          <List.Item>Time to acknowledge and to resolve, computed from recorded events.</List.Item>
        </List>
      </Alert>
      <Card withBorder padding="lg">
        <Title order={4} mb="xs">
          What exists today
        </Title>
        <Text>
          The server has no alert ingestion endpoint yet, so no alerts or incidents are stored and none are
          shown. The roles are ready: engineers and above hold <Code>incidents:write</Code>, viewers{' '}
          <Code>incidents:read</Code>.
        </Text>
      </Card>
    </Stack>
  );
}
