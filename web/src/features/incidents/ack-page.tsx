import { Alert, Badge, Button, Card, Center, Group, Loader, Stack, Text, Title } from '@mantine/core';
import { IconCheck, IconCircleCheck } from '@tabler/icons-react';
import { useParams } from 'react-router';
import { describeError, isApiError } from '../../lib/api.js';
import { formatDateTime } from '../../lib/format.js';
import { usePerformSignedLink, useSignedLink } from './api.js';
import { SEVERITY_COLOR, STATUS_COLOR } from './format.js';

/**
 * The landing page of a signed link from a notification (`/ack/<token>`). Opening it changes
 * nothing (mail scanners prefetch links); the button does. No sign-in needed: the token is the
 * authority, and the server records the action as the user the link was sent to.
 */
export function AckPage() {
  const { token = '' } = useParams();
  const link = useSignedLink(token);
  const perform = usePerformSignedLink(token);

  let content;
  if (link.isPending) content = <Loader aria-label="Loading" />;
  else if (link.isError) {
    const expired = isApiError(link.error) && link.error.code === 'OPSDECK_E_SIGNATURE_INVALID';
    content = (
      <Alert
        color="red"
        title={expired ? 'This link is not valid' : 'The link could not be checked'}
        role="alert"
      >
        {expired
          ? 'It has expired or was altered. Open the incident in the dashboard instead.'
          : describeError(link.error)}
      </Alert>
    );
  } else {
    const { incident, action, expiresAt, applicable } = link.data;
    const verb = action === 'acknowledge' ? 'Acknowledge' : 'Resolve';
    const done = perform.data;
    content = (
      <Stack>
        <div>
          <Text c="dimmed" size="sm">
            Incident #{incident.number}
          </Text>
          <Title order={2} data-testid="ack-incident-title">
            {incident.title}
          </Title>
          <Group gap="xs" mt={6}>
            <Badge
              color={STATUS_COLOR[(done?.incident ?? incident).status]}
              variant="light"
              data-testid="ack-status"
            >
              {(done?.incident ?? incident).status}
            </Badge>
            <Badge color={SEVERITY_COLOR[incident.severity]}>{incident.severity}</Badge>
          </Group>
        </div>
        <Text size="sm">
          Opened {formatDateTime(incident.createdAt)}. This link acts as{' '}
          <strong>{link.data.user.username}</strong> and expires {formatDateTime(expiresAt)}.
        </Text>
        {perform.isError && (
          <Alert color="red" title={`Could not ${action}`} role="alert">
            {describeError(perform.error)}
          </Alert>
        )}
        {!done && !applicable && (
          <Alert color="blue" title="Nothing to do" data-testid="ack-not-applicable">
            The incident is already {incident.status}; this link no longer applies.
          </Alert>
        )}
        {done ? (
          <Alert color="green" icon={<IconCircleCheck size={18} />} title="Done" data-testid="ack-done">
            The incident is now {done.incident.status}.
          </Alert>
        ) : (
          applicable && (
            <Group>
              <Button
                size="md"
                color={action === 'acknowledge' ? 'yellow' : 'green'}
                leftSection={<IconCheck size={18} />}
                loading={perform.isPending}
                onClick={() => perform.mutate()}
              >
                {verb} incident
              </Button>
            </Group>
          )
        )}
      </Stack>
    );
  }

  return (
    <Center mih="100vh" p="md">
      <Card withBorder padding="xl" maw={560} w="100%">
        <Text fw={700} size="lg" mb="md">
          opsdeck
        </Text>
        {content}
      </Card>
    </Center>
  );
}
