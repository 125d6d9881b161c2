import { Alert, Badge, Code, Loader, Stack, Table, Text } from '@mantine/core';
import { describeError } from '../../lib/api.js';
import { formatDateTime } from '../../lib/format.js';
import { useCertificates, type Certificate } from './api.js';

/** The thresholds: 30, 14 and 7 days. */
export function expiryColor(days: number | null): string {
  if (days === null) return 'gray';
  if (days < 0) return 'dark';
  if (days <= 7) return 'red';
  if (days <= 14) return 'orange';
  if (days <= 30) return 'yellow';
  return 'green';
}

function ExpiryBadge({ cert }: { cert: Certificate }) {
  const d = cert.daysToExpiry;
  const label = d === null ? 'unknown' : d < 0 ? `expired ${-d} d ago` : `${d} days`;
  return (
    <Badge color={expiryColor(d)} variant={d !== null && d <= 7 ? 'filled' : 'light'}>
      {label}
    </Badge>
  );
}

export function CertificatesPage() {
  const certs = useCertificates();
  if (certs.isPending) return <Loader aria-label="Loading" />;
  if (certs.isError)
    return (
      <Alert color="red" title="Certificates could not be loaded">
        {describeError(certs.error)}
      </Alert>
    );
  if (certs.data === null)
    return (
      <Alert title="Certificate checks are not available on this server">
        This opsdeck version has no <Code>/api/certs</Code>. Use <Code>opsdeck certs check host[:port]</Code>{' '}
        from the CLI.
      </Alert>
    );
  if (certs.data.length === 0)
    return (
      <Alert title="No certificate yet">
        Add TLS targets for the scheduled check, or push an estate snapshot that includes the ACM export.
      </Alert>
    );
  const sorted = [...certs.data].sort((a, b) => (a.daysToExpiry ?? Infinity) - (b.daysToExpiry ?? Infinity));
  return (
    <Stack>
      <Table.ScrollContainer minWidth={760}>
        <Table striped aria-label="Certificates">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Certificate</Table.Th>
              <Table.Th>Source</Table.Th>
              <Table.Th>Expires</Table.Th>
              <Table.Th>In</Table.Th>
              <Table.Th>Problems</Table.Th>
              <Table.Th>Checked</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {sorted.map((c, i) => (
              <Table.Tr key={`${c.source}-${c.name}-${i}`}>
                <Table.Td>
                  <Text size="sm">{c.name}</Text>
                  {c.host && (
                    <Text size="xs" c="dimmed" ff="monospace">
                      {c.host}
                      {c.port ? `:${c.port}` : ''}
                    </Text>
                  )}
                </Table.Td>
                <Table.Td>{c.source}</Table.Td>
                <Table.Td>{formatDateTime(c.notAfter)}</Table.Td>
                <Table.Td>
                  <ExpiryBadge cert={c} />
                </Table.Td>
                <Table.Td>
                  {c.problems.length === 0 ? (
                    <Text size="sm" c="dimmed">
                      none
                    </Text>
                  ) : (
                    c.problems.map((p) => (
                      <Badge key={p} color="red" variant="light" size="sm" mr={4}>
                        {p}
                      </Badge>
                    ))
                  )}
                </Table.Td>
                <Table.Td>{formatDateTime(c.checkedAt)}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
    </Stack>
  );
}
