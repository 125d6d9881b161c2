import { Alert, Card, Code, List, Stack, Table, Text, Title } from '@mantine/core';

const githubWorkflow = `# .github/workflows/guardrails.yml
name: guardrails
on: [pull_request]
jobs:
  scan:
    runs-on: ubuntu-latest
    permissions:
      contents: read
      security-events: write   # to upload SARIF to code scanning
    steps:
      - uses: actions/checkout@v4
      - uses: actions/setup-node@v4
        with:
          node-version: 20
      # opsdeck must be on PATH: install it from your opsdeck release first.
      - run: opsdeck scan infra --format text --output-file sarif=opsdeck.sarif
      - uses: github/codeql-action/upload-sarif@v3
        if: always()
        with:
          sarif_file: opsdeck.sarif`;

const gitlabJob = `# .gitlab-ci.yml
guardrails:
  image: node:20
  script:
    - opsdeck scan infra --format text --output-file junit=opsdeck.junit.xml
  artifacts:
    when: always
    reports:
      junit: opsdeck.junit.xml`;

export function GuardrailsPage() {
  return (
    <Stack>
      <div>
        <Title order={2}>Guardrails</Title>
        <Text c="dimmed">Policy checks on infrastructure as code, before it reaches the cloud.</Text>
      </div>
      <Alert title="What this page will hold">
        Scan results pushed by CI for each repository: open findings by rule and severity, suppressions with
        their reason and expiry, baselines, and the trend over time. The server does not receive scan results
        yet, so there is nothing to list here today.
      </Alert>
      <Card withBorder padding="lg">
        <Title order={4} mb="xs">
          What exists today: <Code>opsdeck scan</Code>
        </Title>
        <Text mb="sm">
          The CLI scans Terraform (HCL with variables, modules, <Code>count</Code>/<Code>for_each</Code> and
          dynamic blocks evaluated, or a plan JSON) and reports findings with file and line. Run it in every
          pull request:
        </Text>
        <Code block>opsdeck scan infra --severity-threshold high</Code>
        <Table mt="md" withTableBorder aria-label="Exit codes">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Exit code</Table.Th>
              <Table.Th>Meaning</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            <Table.Tr>
              <Table.Td>0</Table.Td>
              <Table.Td>No open findings at or above the threshold</Table.Td>
            </Table.Tr>
            <Table.Tr>
              <Table.Td>1</Table.Td>
              <Table.Td>Open findings at or above the threshold (fails the job)</Table.Td>
            </Table.Tr>
            <Table.Tr>
              <Table.Td>2</Table.Td>
              <Table.Td>Usage or configuration error</Table.Td>
            </Table.Tr>
            <Table.Tr>
              <Table.Td>3</Table.Td>
              <Table.Td>The scan could not run (unreadable directory…)</Table.Td>
            </Table.Tr>
          </Table.Tbody>
        </Table>
        <List mt="md" size="sm" spacing={4}>
          <List.Item>
            Formats: <Code>--format text|json|sarif|junit|markdown</Code>; write several at once with{' '}
            <Code>--output-file fmt=path</Code>.
          </List.Item>
          <List.Item>
            Adopt on an existing estate with <Code>--create-baseline</Code>, then <Code>--baseline</Code> so
            only new findings fail.
          </List.Item>
          <List.Item>
            <Code>--soft-fail</Code> reports without failing the job; <Code>opsdeck rules list</Code> lists
            the rules.
          </List.Item>
        </List>
      </Card>
      <Card withBorder padding="lg">
        <Title order={4} mb="xs">
          GitHub Actions
        </Title>
        <Code block>{githubWorkflow}</Code>
      </Card>
      <Card withBorder padding="lg">
        <Title order={4} mb="xs">
          GitLab CI
        </Title>
        <Code block>{gitlabJob}</Code>
      </Card>
      <Text size="sm" c="dimmed">
        The full reference is docs/scanning.md and docs/rules.md in the opsdeck repository.
      </Text>
    </Stack>
  );
}
