import { Alert, Button, Code, CopyButton, Group, Modal, Stack, Text } from '@mantine/core';
import { IconCheck, IconCopy } from '@tabler/icons-react';
import type { IntegrationWithKey } from './api.js';
import { sourceLabel } from './api.js';
import { configSnippet } from './snippets.js';

function Copy({ value, label }: { value: string; label: string }) {
  return (
    <CopyButton value={value}>
      {({ copied, copy }) => (
        <Button
          size="xs"
          variant={copied ? 'light' : 'default'}
          color={copied ? 'teal' : undefined}
          leftSection={copied ? <IconCheck size={14} /> : <IconCopy size={14} />}
          onClick={copy}
        >
          {copied ? 'Copied' : label}
        </Button>
      )}
    </CopyButton>
  );
}

/**
 * Shows a new ingest key once, with the URL and a config snippet. Closing it forgets the key, so
 * only its button closes it: not a click outside, not Esc.
 */
export function IntegrationKeyModal({
  created,
  onClose,
}: {
  created: IntegrationWithKey | null;
  onClose: () => void;
}) {
  const integration = created?.integration;
  const url = created?.ingestUrl ?? integration?.ingestUrl ?? '';
  const snippet = created && integration ? configSnippet(integration.source, url, created.key) : null;
  return (
    <Modal
      opened={created !== null}
      onClose={onClose}
      title={`Ingest key for “${integration?.name ?? ''}”`}
      size="xl"
      closeOnClickOutside={false}
      closeOnEscape={false}
    >
      <Stack>
        <Alert color="yellow" title="Copy the key now">
          This is the only time opsdeck shows it; the server keeps only a hash. If it is lost, rotate the key.
        </Alert>
        <div>
          <Group justify="space-between" mb={4}>
            <Text fw={600} size="sm">
              Ingest URL ({integration ? sourceLabel(integration.source) : ''})
            </Text>
            <Copy value={url} label="Copy URL" />
          </Group>
          <Code block data-testid="ingest-url">
            {url}
          </Code>
        </div>
        <div>
          <Group justify="space-between" mb={4}>
            <Text fw={600} size="sm">
              Key
            </Text>
            <Copy value={created?.key ?? ''} label="Copy key" />
          </Group>
          <Code block data-testid="ingest-key">
            {created?.key}
          </Code>
          <Text size="xs" c="dimmed" mt={4}>
            Send it as <Code>Authorization: Bearer &lt;key&gt;</Code>, as the Basic auth password, or as{' '}
            <Code>?key=</Code>
            {integration?.source === 'pagerduty' ? ' (PagerDuty senders put it in routing_key)' : ''}.
          </Text>
        </div>
        {snippet && (
          <div>
            <Group justify="space-between" mb={4}>
              <Text fw={600} size="sm">
                {snippet.language}
              </Text>
              <Copy value={snippet.text} label="Copy snippet" />
            </Group>
            <Code block data-testid="config-snippet">
              {snippet.text}
            </Code>
          </div>
        )}
        <Group justify="flex-end">
          <Button onClick={onClose}>I have stored it</Button>
        </Group>
      </Stack>
    </Modal>
  );
}
