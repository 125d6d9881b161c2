import { Alert, Button, Code, CopyButton, Group, Modal, Stack, Text } from '@mantine/core';
import { IconCheck, IconCopy } from '@tabler/icons-react';

interface TokenSecretModalProps {
  name: string;
  secret: string | null;
  onClose: () => void;
}

/** Shows a new token's secret once. Closing it drops the secret from memory for good. */
export function TokenSecretModal({ name, secret, onClose }: TokenSecretModalProps) {
  return (
    <Modal
      opened={secret !== null}
      onClose={onClose}
      title={`Token “${name}” created`}
      size="lg"
      closeOnClickOutside={false}
    >
      <Stack>
        <Alert color="yellow" title="Copy the secret now">
          This is the only time opsdeck shows it. The server stores only a hash; if you lose it, revoke the
          token and create a new one.
        </Alert>
        <Code block data-testid="token-secret">
          {secret}
        </Code>
        <Text size="sm" c="dimmed">
          Use it as <Code>Authorization: Bearer &lt;secret&gt;</Code>.
        </Text>
        <Group justify="space-between">
          <CopyButton value={secret ?? ''}>
            {({ copied, copy }) => (
              <Button
                variant={copied ? 'light' : 'filled'}
                color={copied ? 'teal' : undefined}
                leftSection={copied ? <IconCheck size={16} /> : <IconCopy size={16} />}
                onClick={copy}
              >
                {copied ? 'Copied' : 'Copy secret'}
              </Button>
            )}
          </CopyButton>
          <Button variant="default" onClick={onClose}>
            I have stored it
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
