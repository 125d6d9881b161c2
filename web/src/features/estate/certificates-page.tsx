import {
  Alert,
  Badge,
  Button,
  Card,
  Group,
  Loader,
  NumberInput,
  Stack,
  Table,
  Text,
  TextInput,
  Title,
  Tooltip,
} from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconPlus, IconRefresh } from '@tabler/icons-react';
import { useState } from 'react';
import { describeError } from '../../lib/api.js';
import { hasPermission, useSessionUser } from '../../lib/auth.js';
import { formatDateTime } from '../../lib/format.js';
import {
  useAddCertTarget,
  useCertificates,
  useCheckCertsNow,
  useRemoveCertTarget,
  type CertResult,
  type ExpiryLevel,
} from './api.js';

const LEVEL_COLOR: Record<ExpiryLevel, string> = {
  expired: 'dark',
  critical: 'red',
  warning: 'orange',
  notice: 'yellow',
  ok: 'green',
};

/** Days to expiry coloured by the 30/14/7-day thresholds. */
export function ExpiryBadge({ days, level }: { days: number | null; level: ExpiryLevel | null }) {
  if (days === null || level === null)
    return (
      <Badge color="gray" variant="light" data-testid="expiry-badge">
        not checked
      </Badge>
    );
  const label = days < 0 ? `expired ${-days} d ago` : `${days} ${days === 1 ? 'day' : 'days'}`;
  return (
    <Badge
      color={LEVEL_COLOR[level]}
      variant={level === 'ok' || level === 'notice' ? 'light' : 'filled'}
      data-testid="expiry-badge"
      data-level={level}
    >
      {label}
    </Badge>
  );
}

function StatusBadge({ result }: { result: CertResult }) {
  const color = result.status === 'ok' ? 'green' : result.status === 'invalid' ? 'red' : 'gray';
  return (
    <Badge color={color} variant="light" size="sm">
      {result.status}
    </Badge>
  );
}

function AddTarget() {
  const add = useAddCertTarget();
  const [host, setHost] = useState('');
  const [port, setPort] = useState<number | string>(443);
  const [servername, setServername] = useState('');
  const submit = () =>
    add.mutate(
      {
        host: host.trim(),
        ...(typeof port === 'number' ? { port } : {}),
        ...(servername.trim() ? { servername: servername.trim() } : {}),
      },
      {
        onSuccess: (t) => {
          setHost('');
          setPort(443);
          setServername('');
          notifications.show({
            color: 'green',
            message: `${t.host}:${t.port} added; check it now or wait for the schedule`,
          });
        },
        onError: (e) =>
          notifications.show({ color: 'red', title: 'Target not added', message: describeError(e) }),
      },
    );
  return (
    <Group align="flex-end" gap="sm">
      <TextInput
        label="Host"
        placeholder="www.example.com"
        value={host}
        onChange={(e) => setHost(e.currentTarget.value)}
        w={260}
      />
      <NumberInput label="Port" min={1} max={65535} value={port} onChange={setPort} w={100} />
      <TextInput
        label="SNI name (optional)"
        placeholder="defaults to the host"
        value={servername}
        onChange={(e) => setServername(e.currentTarget.value)}
        w={220}
      />
      <Button
        leftSection={<IconPlus size={16} />}
        disabled={!host.trim()}
        loading={add.isPending}
        onClick={submit}
      >
        Add target
      </Button>
    </Group>
  );
}

export function CertificatesPage() {
  const { data: user } = useSessionUser();
  const canWrite = hasPermission(user, 'estate:write');
  const certs = useCertificates();
  const check = useCheckCertsNow();
  const remove = useRemoveCertTarget();
  const runCheck = (ids?: string[]) =>
    check.mutate(ids, {
      onError: (e) => notifications.show({ color: 'red', title: 'Check failed', message: describeError(e) }),
    });

  if (certs.isPending) return <Loader aria-label="Loading" />;
  if (certs.isError)
    return (
      <Alert color="red" title="Certificates could not be loaded">
        {describeError(certs.error)}
      </Alert>
    );
  const { items, acm } = certs.data;
  return (
    <Stack>
      <Card withBorder padding="md">
        <Group justify="space-between" mb="xs">
          <div>
            <Title order={2} size="h4">
              Live TLS endpoints
            </Title>
            <Text size="sm" c="dimmed">
              Checked on a schedule by the server: days to expiry (30/14/7-day thresholds), hostname, trust
              chain and key strength.
            </Text>
          </div>
          {canWrite && items.length > 0 && (
            <Button
              variant="light"
              leftSection={<IconRefresh size={16} />}
              loading={check.isPending}
              onClick={() => runCheck()}
            >
              Check all now
            </Button>
          )}
        </Group>
        {items.length === 0 ? (
          <Text size="sm" c="dimmed" mb="sm">
            No TLS target yet.
          </Text>
        ) : (
          <Table.ScrollContainer minWidth={900}>
            <Table striped aria-label="TLS endpoints">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Endpoint</Table.Th>
                  <Table.Th>Expires in</Table.Th>
                  <Table.Th>Not after</Table.Th>
                  <Table.Th>Status</Table.Th>
                  <Table.Th>Problems</Table.Th>
                  <Table.Th>Checked</Table.Th>
                  {canWrite && <Table.Th />}
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {items.map(({ target: t, latest: r }) => (
                  <Table.Tr key={t.id} data-target={`${t.host}:${t.port}`}>
                    <Table.Td>
                      <Text size="sm" ff="monospace">
                        {t.host}:{t.port}
                      </Text>
                      {t.servername && (
                        <Text size="xs" c="dimmed">
                          SNI {t.servername}
                        </Text>
                      )}
                    </Table.Td>
                    <Table.Td>
                      <ExpiryBadge days={r?.daysToExpiry ?? null} level={r?.level ?? null} />
                    </Table.Td>
                    <Table.Td>{formatDateTime(r?.notAfter)}</Table.Td>
                    <Table.Td>{r ? <StatusBadge result={r} /> : '—'}</Table.Td>
                    <Table.Td maw={360}>
                      {r?.check.error && (
                        <Text size="sm" c="red">
                          {r.check.error.message}
                        </Text>
                      )}
                      {r && r.check.problems.length === 0 && !r.check.error && (
                        <Text size="sm" c="dimmed">
                          none
                        </Text>
                      )}
                      {r?.check.problems.map((p) => (
                        // With status ok the only problems are expiry notices, not a broken chain.
                        <Text key={p} size="sm" c={r.status === 'ok' ? 'orange' : 'red'}>
                          {p}
                        </Text>
                      ))}
                    </Table.Td>
                    <Table.Td>{r ? formatDateTime(r.checkedAt) : 'never'}</Table.Td>
                    {canWrite && (
                      <Table.Td>
                        <Group gap={4} wrap="nowrap">
                          <Button
                            size="xs"
                            variant="subtle"
                            onClick={() => runCheck([t.id])}
                            loading={check.isPending}
                          >
                            Check now
                          </Button>
                          <Tooltip label="Stop checking this endpoint">
                            <Button
                              size="xs"
                              variant="subtle"
                              color="red"
                              onClick={() =>
                                remove.mutate(t.id, {
                                  onError: (e) =>
                                    notifications.show({
                                      color: 'red',
                                      title: 'Not removed',
                                      message: describeError(e),
                                    }),
                                })
                              }
                            >
                              Remove
                            </Button>
                          </Tooltip>
                        </Group>
                      </Table.Td>
                    )}
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
        {canWrite && <AddTarget />}
      </Card>
      <Card withBorder padding="md">
        <Title order={2} size="h4">
          ACM certificates
        </Title>
        <Text size="sm" c="dimmed" mb="xs">
          {acm.snapshotId
            ? `From the latest estate snapshot (taken ${formatDateTime(acm.takenAt)}); days counted from now.`
            : 'No estate snapshot yet: push one that includes the ACM list-certificates / describe-certificate exports.'}
        </Text>
        {acm.snapshotId && acm.certificates.length === 0 && (
          <Text size="sm" c="dimmed">
            The latest snapshot holds no ACM certificate.
          </Text>
        )}
        {acm.certificates.length > 0 && (
          <Table.ScrollContainer minWidth={760}>
            <Table striped aria-label="ACM certificates">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Domain</Table.Th>
                  <Table.Th>Expires in</Table.Th>
                  <Table.Th>Not after</Table.Th>
                  <Table.Th>Status</Table.Th>
                  <Table.Th>In use</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {acm.certificates.map((c) => (
                  <Table.Tr key={c.arn} data-domain={c.domain}>
                    <Table.Td>
                      <Text size="sm">{c.domain}</Text>
                      <Text size="xs" c="dimmed" truncate maw={420}>
                        {c.arn}
                      </Text>
                    </Table.Td>
                    <Table.Td>
                      <ExpiryBadge days={c.daysToExpiry} level={c.level} />
                    </Table.Td>
                    <Table.Td>{formatDateTime(c.notAfter)}</Table.Td>
                    <Table.Td>{c.status ?? '—'}</Table.Td>
                    <Table.Td>{c.inUse === null ? '—' : c.inUse ? 'yes' : 'no'}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
      </Card>
    </Stack>
  );
}
