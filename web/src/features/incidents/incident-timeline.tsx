import { Badge, Text, Timeline } from '@mantine/core';
import {
  IconBell,
  IconCheck,
  IconMail,
  IconMessage,
  IconPhoneCall,
  IconArrowsExchange,
  IconFlame,
  IconUserShare,
  IconCircleDot,
} from '@tabler/icons-react';
import type { ReactNode } from 'react';
import { formatDateTime } from '../../lib/format.js';
import type { TimelineEntry } from './api.js';
import { SEVERITY_COLOR, STATUS_COLOR } from './format.js';

interface Rendered {
  title: ReactNode;
  body?: ReactNode;
  icon: ReactNode;
  color: string;
}

/** `schedule: Checkout primary` for a page entry's `schedule:<id>` target, the id when its name is unknown. */
function targetText(target: string, targets: Readonly<Record<string, string>>): string {
  const sep = target.indexOf(':');
  if (sep < 0) return target;
  return `${target.slice(0, sep)}: ${targets[target] ?? target.slice(sep + 1)}`;
}

function render(
  e: TimelineEntry,
  nameOf: (id: string | null | undefined) => string,
  targets: Readonly<Record<string, string>>,
): Rendered {
  switch (e.kind) {
    case 'alert':
      return {
        title: `Alert ${e.status}`,
        body: (
          <>
            {e.summary}{' '}
            <Text span c="dimmed" size="xs" ff="monospace">
              {e.dedupKey}
            </Text>
          </>
        ),
        icon: <IconBell size={14} />,
        color: e.status === 'firing' ? 'red' : 'green',
      };
    case 'page':
      return {
        title: `Paged ${e.users.map((u) => nameOf(u)).join(', ') || 'nobody'}`,
        body:
          `Escalation step ${e.step + 1}, round ${e.round + 1}, target ${targetText(e.target, targets)}` +
          (e.skipped?.length ? `; not paged (disabled): ${e.skipped.map((u) => nameOf(u)).join(', ')}` : ''),
        icon: <IconPhoneCall size={14} />,
        color: e.users.length === 0 ? 'orange' : 'grape',
      };
    case 'ack':
      return { title: `Acknowledged by ${nameOf(e.by)}`, icon: <IconCheck size={14} />, color: 'yellow' };
    case 'status':
      return {
        title: (
          <>
            Status {e.from ?? 'new'} →{' '}
            <Badge size="xs" color={STATUS_COLOR[e.to]} variant="light">
              {e.to}
            </Badge>
            {e.by ? ` by ${nameOf(e.by)}` : ''}
          </>
        ),
        ...(e.reason ? { body: e.reason } : {}),
        icon: <IconArrowsExchange size={14} />,
        color: STATUS_COLOR[e.to],
      };
    case 'note':
      return {
        title: `Note by ${nameOf(e.by)}`,
        body: (
          <Text style={{ whiteSpace: 'pre-wrap' }} size="sm">
            {e.text}
          </Text>
        ),
        icon: <IconMessage size={14} />,
        color: 'blue',
      };
    case 'reassign':
      return {
        title: `Reassigned ${e.from ? `from ${nameOf(e.from)} ` : ''}to ${nameOf(e.to)} by ${nameOf(e.by)}`,
        icon: <IconUserShare size={14} />,
        color: 'cyan',
      };
    case 'severity':
      return {
        title: (
          <>
            Severity {e.from} →{' '}
            <Badge size="xs" color={SEVERITY_COLOR[e.to]}>
              {e.to}
            </Badge>
            {e.by ? ` by ${nameOf(e.by)}` : ''}
          </>
        ),
        icon: <IconFlame size={14} />,
        color: SEVERITY_COLOR[e.to],
      };
    case 'notification':
      return {
        title: `${e.channelType} notification ${e.outcome}${e.user ? ` (${nameOf(e.user)})` : ''}`,
        body: `${e.channel} → ${e.to}, attempt ${e.attempt}${e.detail ? `: ${e.detail}` : ''}`,
        icon: <IconMail size={14} />,
        color: e.outcome === 'delivered' ? 'teal' : e.outcome === 'failed' ? 'orange' : 'red',
      };
    default:
      return { title: 'Entry', icon: <IconCircleDot size={14} />, color: 'gray' };
  }
}

/** Every timeline entry, oldest first, as the server recorded it. */
export function IncidentTimeline({
  entries,
  nameOf,
  targets = {},
}: {
  entries: readonly TimelineEntry[];
  nameOf: (id: string | null | undefined) => string;
  /** Names of the page entries' targets, as the server sends them (`schedule:<id>` → name). */
  targets?: Readonly<Record<string, string>>;
}) {
  if (entries.length === 0) return <Text c="dimmed">No entries yet.</Text>;
  return (
    <Timeline bulletSize={24} lineWidth={2} active={entries.length} data-testid="incident-timeline">
      {entries.map((e, n) => {
        const r = render(e, nameOf, targets);
        return (
          <Timeline.Item key={n} bullet={r.icon} color={r.color} title={r.title} data-kind={e.kind}>
            {r.body !== undefined && (
              <Text size="sm" component="div">
                {r.body}
              </Text>
            )}
            <Text size="xs" c="dimmed" mt={2}>
              {formatDateTime(e.at)}
            </Text>
          </Timeline.Item>
        );
      })}
    </Timeline>
  );
}
