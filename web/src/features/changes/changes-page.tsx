import { Alert, Card, Code, List, Stack, Text, Title } from '@mantine/core';

export function ChangesPage() {
  return (
    <Stack>
      <div>
        <Title order={2}>Changes</Title>
        <Text c="dimmed">Requests and change control, with the evidence auditors ask for.</Text>
      </div>
      <Alert title="What this page will hold">
        <List size="sm" spacing={4}>
          <List.Item>Requests filed by application teams, each with an SLA clock.</List.Item>
          <List.Item>
            Changes with risk, plan, rollback and validation steps, approvals and change windows, and their
            outcome.
          </List.Item>
          <List.Item>Change failure rate and SLA adherence, computed from recorded events.</List.Item>
        </List>
      </Alert>
      <Card withBorder padding="lg">
        <Title order={4} mb="xs">
          What exists today
        </Title>
        <Text>
          No requests or changes are stored yet, so none are shown. Two foundations are in place: the{' '}
          <Code>approver</Code> role (holding <Code>changes:approve</Code>) that sign-off will require, and
          the hash-chained audit log (admins: the Audit page) that already records every change made through
          the API.
        </Text>
      </Card>
    </Stack>
  );
}
