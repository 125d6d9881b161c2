import { Alert, Card, Code, List, Stack, Text, Title } from '@mantine/core';

export function EstatePage() {
  return (
    <Stack>
      <div>
        <Title order={2}>Estate</Title>
        <Text c="dimmed">What runs in your cloud accounts, who owns it, and what it costs.</Text>
      </div>
      <Alert title="What this page will hold">
        <List size="sm" spacing={4}>
          <List.Item>
            An inventory of cloud resources, imported from Terraform state and cloud exports.
          </List.Item>
          <List.Item>
            Tag compliance against your tag policy: which resources lack an owner or cost centre.
          </List.Item>
          <List.Item>
            IaC coverage and drift: what exists in the cloud but not in code, and the reverse.
          </List.Item>
          <List.Item>
            Waste and rightsizing candidates, and cost broken down by owner (FOCUS format).
          </List.Item>
        </List>
      </Alert>
      <Card withBorder padding="lg">
        <Title order={4} mb="xs">
          What exists today
        </Title>
        <Text>
          No estate data is collected by this server yet, so nothing is listed here. Tagging is already
          checked where resources are written: <Code>opsdeck scan</Code> reports Terraform resources that miss
          required tags (see the Guardrails page), before they reach an account.
        </Text>
      </Card>
    </Stack>
  );
}
