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
import { useEstateSummary, useEstateTrends, type Amount, type EstateSnapshot } from './api.js';
import { ChartCard, PercentLineChart, UsdBarChart, UsdDonutChart } from './charts.js';
import { categoryLabel, formatPct, formatShortDate, formatUsd } from './format.js';

function StatCard({
  label,
  value,
  testId,
  children,
}: {
  label: string;
  value: string;
  testId: string;
  children?: ReactNode;
}) {
  return (
    <Card withBorder padding="md" data-testid={testId}>
      <Text size="xs" c="dimmed" tt="uppercase" fw={600}>
        {label}
      </Text>
      <Text fz={28} fw={700} data-testid={`${testId}-value`}>
        {value}
      </Text>
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
          Export your inventory with the cloud CLIs (docs/estate.md lists the read-only commands), turn the
          exports, Terraform state and FOCUS billing files into a snapshot, and push it with an API token that
          holds <Code>estate:write</Code>:
        </Text>
        <Code block>
          {[
            'opsdeck estate import ./aws-exports ./terraform.tfstate ./focus.csv --out snapshot.json',
            'export OPSDECK_TOKEN=odk_...',
            'opsdeck estate push --server https://opsdeck.example.com snapshot.json',
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

function Figures({ snapshot }: { snapshot: EstateSnapshot }) {
  const c = snapshot.coverage;
  return (
    <SimpleGrid cols={{ base: 1, sm: 2, lg: 4 }} data-testid="estate-figures">
      <StatCard label="IaC coverage" value={formatPct(c.pct)} testId="stat-coverage">
        {c.managed} managed, {c.unmanaged} unmanaged, {c.missing} missing
        {c.ignored > 0 ? `, ${c.ignored} ignored` : ''}; {c.drifted} drifted
      </StatCard>
      <StatCard label="Tag compliance" value={formatPct(snapshot.tags.compliancePct)} testId="stat-tags">
        by count ({snapshot.tags.nonCompliant} non-compliant); by spend{' '}
        {formatPct(snapshot.tags.spendCompliancePct)}
      </StatCard>
      <StatCard label="Waste" value={`${formatUsd(snapshot.waste.monthlySaving)}/mo`} testId="stat-waste">
        {snapshot.waste.findings} findings; right-sizing saves {formatUsd(snapshot.rightsizing.monthlySaving)}
        /mo more
      </StatCard>
      <StatCard
        label="Billed cost"
        value={snapshot.cost ? formatUsd(snapshot.cost.total) : 'n/a'}
        testId="stat-cost"
      >
        {snapshot.cost
          ? `${snapshot.cost.currency}, from the imported FOCUS export; untagged ${formatPct(snapshot.cost.untaggedPct)}`
          : 'no FOCUS billing export in this snapshot'}
      </StatCard>
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
  const snapshot = summary.data;
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
      <Figures snapshot={snapshot} />
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
