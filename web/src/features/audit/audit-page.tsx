import { Alert, Button, Code, Group, Loader, Modal, Stack, Table, Text, Title } from '@mantine/core';
import { IconChevronLeft, IconChevronRight, IconShieldCheck } from '@tabler/icons-react';
import { useState } from 'react';
import { describeError } from '../../lib/api.js';
import { formatDateTime } from '../../lib/format.js';
import { useAuditPage, useVerifyAudit, type AuditEntry } from './api.js';

function VerifyChain() {
  const verify = useVerifyAudit();
  return (
    <Stack gap="xs">
      <Group>
        <Button
          leftSection={<IconShieldCheck size={16} />}
          variant="light"
          loading={verify.isPending}
          onClick={() => verify.mutate()}
        >
          Verify chain
        </Button>
      </Group>
      {verify.isError && (
        <Alert color="red" title="Verification could not run" role="alert">
          {describeError(verify.error)}
        </Alert>
      )}
      {verify.data?.ok && (
        <Alert color="green" title="Chain intact" data-testid="audit-verify-result">
          All {verify.data.checked} entries link to their predecessor; no entry was changed or removed.
        </Alert>
      )}
      {verify.data && !verify.data.ok && (
        <Alert color="red" title="Chain broken" data-testid="audit-verify-result">
          Checked {verify.data.checked} entries.
          {verify.data.firstBad &&
            ` First bad entry: #${verify.data.firstBad.seq} (${verify.data.firstBad.reason}).`}{' '}
          Treat the log from that entry on as tampered with.
        </Alert>
      )}
    </Stack>
  );
}

function json(value: unknown): string {
  return value === undefined || value === null ? '—' : JSON.stringify(value, null, 2);
}

export function AuditPage() {
  // A stack of `before` cursors: the last one is the page shown; null is the newest page.
  const [cursors, setCursors] = useState<Array<number | null>>([null]);
  const before = cursors[cursors.length - 1] ?? null;
  const page = useAuditPage(before);
  const [selected, setSelected] = useState<AuditEntry | null>(null);

  return (
    <Stack>
      <div>
        <Title order={2}>Audit log</Title>
        <Text c="dimmed" size="sm">
          Every change made through opsdeck, newest first. Entries are hash-chained: each stores the hash of
          the one before, so an edited or deleted entry breaks the chain.
        </Text>
      </div>
      <VerifyChain />
      {page.isPending && <Loader />}
      {page.isError && (
        <Alert color="red" title="Audit log could not be loaded">
          {describeError(page.error)}
        </Alert>
      )}
      {page.data && page.data.entries.length === 0 && <Text c="dimmed">No audit entries yet.</Text>}
      {page.data && page.data.entries.length > 0 && (
        <Table.ScrollContainer minWidth={800}>
          <Table striped highlightOnHover aria-label="Audit entries">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>#</Table.Th>
                <Table.Th>At</Table.Th>
                <Table.Th>Actor</Table.Th>
                <Table.Th>Action</Table.Th>
                <Table.Th>Target</Table.Th>
                <Table.Th>Summary</Table.Th>
                <Table.Th />
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {page.data.entries.map((e) => (
                <Table.Tr key={e.seq}>
                  <Table.Td>{e.seq}</Table.Td>
                  <Table.Td style={{ whiteSpace: 'nowrap' }}>{formatDateTime(e.at)}</Table.Td>
                  <Table.Td>{e.actor}</Table.Td>
                  <Table.Td>
                    <Code>{e.action}</Code>
                  </Table.Td>
                  <Table.Td>{e.target}</Table.Td>
                  <Table.Td>{e.summary}</Table.Td>
                  <Table.Td>
                    <Button size="xs" variant="subtle" onClick={() => setSelected(e)}>
                      Details
                    </Button>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      <Group justify="space-between">
        <Button
          variant="default"
          leftSection={<IconChevronLeft size={16} />}
          disabled={cursors.length <= 1}
          onClick={() => setCursors((c) => c.slice(0, -1))}
        >
          Newer
        </Button>
        <Button
          variant="default"
          rightSection={<IconChevronRight size={16} />}
          disabled={!page.data || page.data.nextBefore === null || page.isPlaceholderData}
          onClick={() => {
            const next = page.data?.nextBefore;
            if (next !== undefined && next !== null) setCursors((c) => [...c, next]);
          }}
        >
          Older
        </Button>
      </Group>
      <Modal
        opened={selected !== null}
        onClose={() => setSelected(null)}
        title={selected ? `Audit entry #${selected.seq}` : ''}
        size="xl"
      >
        {selected && (
          <Stack gap="xs">
            <Text size="sm">
              {formatDateTime(selected.at)} — <strong>{selected.actor}</strong> <Code>{selected.action}</Code>{' '}
              {selected.target}
            </Text>
            <Text size="sm">{selected.summary}</Text>
            <Text fw={600} size="sm">
              Before
            </Text>
            <Code block>{json(selected.before)}</Code>
            <Text fw={600} size="sm">
              After
            </Text>
            <Code block>{json(selected.after)}</Code>
            <Text size="xs" c="dimmed">
              Hash: <Code>{selected.hash}</Code>
            </Text>
          </Stack>
        )}
      </Modal>
    </Stack>
  );
}
