import {
  Alert,
  Badge,
  Card,
  Code,
  Group,
  Loader,
  SegmentedControl,
  SimpleGrid,
  Stack,
  Text,
  Title,
} from '@mantine/core';
import { IconBuildingWarehouse } from '@tabler/icons-react';
import { useState, type ReactNode } from 'react';
import { describeError } from '../../lib/api.js';
import { formatDateTime } from '../../lib/format.js';
import {
  useEstateCost,
  useEstateSummary,
  useEstateTrends,
  type Amount,
  type CostSummary,
  type EstateSnapshot,
} from './api.js';
import { ChartCard, PercentLineChart, UsdBarChart, UsdDonutChart } from './charts.js';
import { categoryLabel, formatPct, formatShortDate, formatUsd } from './format.js';

/** Change since the previous snapshot; `good` says whether a rise is good news (coverage) or bad (waste). */
function Delta({
  now,
  before,
  good,
  unit,
}: {
  now: number | null;
  before: number | null;
  good: 'up' | 'down';
  unit: '%' | '$';
}) {
  if (now === null || before === null) return null;
  const d = Math.round((now - before) * 10) / 10;
  if (d === 0) return null;
  const better = good === 'up' ? d > 0 : d < 0;
  const text = unit === '%' ? `${d > 0 ? '+' : ''}${d} pts` : `${d > 0 ? '+' : '−'}${formatUsd(Math.abs(d))}`;
  return (
    <Badge size="sm" variant="light" color={better ? 'green' : 'red'} title="Since the previous snapshot">
      {text}
    </Badge>
  );
}

function StatCard({
  label,
  value,
  testId,
  delta,
  children,
}: {
  label: string;
  value: string;
  testId: string;
  delta?: ReactNode;
  children?: ReactNode;
}) {
  return (
    <Card withBorder padding="md" data-testid={testId}>
      <Text size="xs" c="dimmed" tt="uppercase" fw={600}>
        {label}
      </Text>
      <Group gap="xs" align="baseline">
        <Text fz={28} fw={700} data-testid={`${testId}-value`}>
          {value}
        </Text>
        {delta}
      </Group>
      {children && (
        <Text size="xs" c="dimmed">
          {children}
        </Text>
      )}
    </Card>
  );
}

/** What to run when the server has no snapshot yet. */
export function NoSnapshotYet() {
  return (
    <Alert
      icon={<IconBuildingWarehouse size={18} />}
      title="No estate snapshot yet"
      data-testid="estate-empty"
    >
      <Stack gap="xs">
        <Text size="sm">
          Export your inventory with the cloud CLIs (docs/estate.md lists the read-only commands), then push
          the exports, Terraform state and FOCUS billing files; the server analyses them and keeps the
          history:
        </Text>
        <Code block>
          {[
            'export OPSDECK_TOKEN=odk_...   # an API token with estate:write',
            'opsdeck estate push --server https://opsdeck.example.com ./aws-exports ./terraform.tfstate ./focus.csv',
            '',
            '# or import first, check the snapshot, then push it',
            'opsdeck estate import ./aws-exports ./terraform.tfstate ./focus.csv --out snapshot.json',
            'opsdeck estate push --server https://opsdeck.example.com --snapshot snapshot.json',
          ].join('\n')}
        </Code>
        <Text size="sm">
          Push one snapshot a day (a CI schedule does it) and every figure here gets a trend.
        </Text>
      </Stack>
    </Alert>
  );
}

/** The largest `max - 1` entries and the rest summed as "other". */
function topWithOther(amounts: readonly Amount[], max: number): Array<{ name: string; value: number }> {
  const sorted = [...amounts].sort((a, b) => b.cost - a.cost);
  const top = sorted
    .slice(0, sorted.length > max ? max - 1 : max)
    .map((a) => ({ name: a.key, value: a.cost }));
  const rest = sorted.slice(top.length).reduce((sum, a) => sum + a.cost, 0);
  return rest > 0 ? [...top, { name: 'other', value: rest }] : top;
}

function CostCard({ snapshot, cost }: { snapshot: EstateSnapshot; cost: CostSummary | null | undefined }) {
  const month = cost?.byMonth[cost.byMonth.length - 1];
  if (month)
    return (
      <StatCard
        label={`Cost in ${month.key}`}
        value={formatUsd(month.cost)}
        testId="stat-cost"
        delta={
          month.changePct === null ? undefined : (
            <Badge
              size="sm"
              variant="light"
              color={month.changePct > 0 ? 'red' : 'green'}
              title="Month over month"
            >
              {month.changePct > 0 ? '+' : ''}
              {Math.round(month.changePct * 10) / 10}% MoM
            </Badge>
          )
        }
      >
        {cost.currency} {cost.metric} from the FOCUS export ({formatUsd(cost.total)} in all); untagged{' '}
        {formatPct(cost.untaggedPct)}
      </StatCard>
    );
  return (
    <StatCard label="Cost" value={snapshot.cost ? formatUsd(snapshot.cost.total) : 'n/a'} testId="stat-cost">
      {snapshot.cost
        ? `${snapshot.cost.currency}, from the imported FOCUS export; untagged ${formatPct(snapshot.cost.untaggedPct)}`
        : 'no FOCUS billing export in this snapshot'}
    </StatCard>
  );
}

function Figures({ snapshot, previous }: { snapshot: EstateSnapshot; previous: EstateSnapshot | null }) {
  const c = snapshot.coverage;
  const cost = useEstateCost();
  return (
    <SimpleGrid cols={{ base: 1, sm: 2, lg: 4 }} data-testid="estate-figures">
      <StatCard
        label="IaC coverage"
        value={formatPct(c.pct)}
        testId="stat-coverage"
        delta={<Delta now={c.pct} before={previous?.coverage.pct ?? null} good="up" unit="%" />}
      >
        {c.managed} managed, {c.unmanaged} unmanaged, {c.missing} missing
        {c.ignored > 0 ? `, ${c.ignored} ignored` : ''}; {c.drifted} drifted
      </StatCard>
      <StatCard
        label="Tag compliance"
        value={formatPct(snapshot.tags.compliancePct)}
        testId="stat-tags"
        delta={
          <Delta
            now={snapshot.tags.compliancePct}
            before={previous?.tags.compliancePct ?? null}
            good="up"
            unit="%"
          />
        }
      >
        by count ({snapshot.tags.nonCompliant} non-compliant); by spend{' '}
        <span data-testid="stat-tags-spend">{formatPct(snapshot.tags.spendCompliancePct)}</span>
      </StatCard>
      <StatCard
        label="Waste"
        value={`${formatUsd(snapshot.waste.monthlySaving)}/mo`}
        testId="stat-waste"
        delta={
          <Delta
            now={snapshot.waste.monthlySaving}
            before={previous?.waste.monthlySaving ?? null}
            good="down"
            unit="$"
          />
        }
      >
        {snapshot.waste.findings} findings; right-sizing saves {formatUsd(snapshot.rightsizing.monthlySaving)}
        /mo more
      </StatCard>
      <CostCard snapshot={snapshot} cost={cost.data} />
    </SimpleGrid>
  );
}

function Trends({ days }: { days: number }) {
  const trends = useEstateTrends(days);
  if (trends.isPending) return <Loader size="sm" />;
  if (trends.isError)
    return (
      <Alert color="red" title="Trends could not be loaded">
        {describeError(trends.error)}
      </Alert>
    );
  const data = trends.data.map((p) => ({
    label: formatShortDate(p.takenAt),
    coverage: p.coveragePct,
    tags: p.tagCompliancePct,
    spend: p.tagSpendCompliancePct,
  }));
  return (
    <ChartCard
      title="Coverage and tag compliance"
      description={`One point per snapshot over the last ${days} days (${data.length} snapshots)`}
      testId="chart-trends"
    >
      {data.length === 0 ? (
        <Text size="sm" c="dimmed">
          No snapshot in this period.
        </Text>
      ) : (
        <PercentLineChart
          data={data}
          series={[
            { key: 'coverage', label: 'IaC coverage', color: 'blue' },
            { key: 'tags', label: 'Tag compliance (count)', color: 'teal' },
            { key: 'spend', label: 'Tag compliance (spend)', color: 'grape' },
          ]}
        />
      )}
    </ChartCard>
  );
}

export function EstatePage() {
  const summary = useEstateSummary();
  const [days, setDays] = useState('90');
  if (summary.isPending) return <Loader aria-label="Loading" />;
  if (summary.isError)
    return (
      <Alert color="red" title="Estate figures could not be loaded">
        {describeError(summary.error)}
      </Alert>
    );
  const { snapshot, previous } = summary.data;
  if (!snapshot) return <NoSnapshotYet />;
  const waste = Object.entries(snapshot.waste.byCategory)
    .map(([category, v]) => ({ name: categoryLabel(category), value: v.monthlySaving }))
    .sort((a, b) => b.value - a.value);
  const owners = topWithOther(snapshot.cost?.byOwner ?? [], 8);
  return (
    <Stack>
      <Group justify="space-between" align="flex-end">
        <div>
          <Title order={2} size="h4">
            Latest snapshot
          </Title>
          <Text size="sm" c="dimmed" data-testid="estate-snapshot-meta">
            Taken {formatDateTime(snapshot.takenAt)}, pushed by {snapshot.importedBy};{' '}
            {snapshot.counts.resources} live resources, {snapshot.counts.stateInstances} state instances
            {snapshot.counts.diagnostics > 0 && (
              <>
                {' '}
                <Badge size="xs" color="yellow" variant="light">
                  {snapshot.counts.diagnostics} import diagnostics
                </Badge>
              </>
            )}
          </Text>
        </div>
        <SegmentedControl
          aria-label="Trend period"
          size="xs"
          value={days}
          onChange={setDays}
          data={[
            { value: '30', label: '30 days' },
            { value: '90', label: '90 days' },
            { value: '365', label: '1 year' },
          ]}
        />
      </Group>
      <Figures snapshot={snapshot} previous={previous} />
      <Trends days={Number(days)} />
      <SimpleGrid cols={{ base: 1, lg: 2 }}>
        <ChartCard
          title="Waste by category"
          description="Estimated USD per month (730 hours)"
          testId="chart-waste"
        >
          {waste.length === 0 ? (
            <Text size="sm" c="dimmed">
              No waste found in this snapshot.
            </Text>
          ) : (
            <UsdBarChart data={waste} barColor="orange" layout="vertical" />
          )}
        </ChartCard>
        <ChartCard
          title="Cost by owner"
          description="FOCUS billed cost by the owner (or team) tag"
          testId="chart-owners"
        >
          {owners.length === 0 ? (
            <Text size="sm" c="dimmed">
              No billing data in this snapshot: add a FOCUS export to <Code>opsdeck estate import</Code>.
            </Text>
          ) : (
            <UsdDonutChart data={owners} />
          )}
        </ChartCard>
      </SimpleGrid>
    </Stack>
  );
}
