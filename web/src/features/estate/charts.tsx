/**
 * The Estate charts, drawn with recharts directly (@mantine/charts wraps the same library but its
 * releases pin an exact @mantine/core version older than ours). Colours come from the Mantine
 * theme as plain hex values: SVG presentation attributes do not reliably resolve CSS variables.
 */
import { Card, Text, useMantineTheme, type MantineTheme } from '@mantine/core';
import type { ReactNode } from 'react';
import {
  Bar,
  BarChart,
  CartesianGrid,
  Cell,
  Legend,
  Line,
  LineChart,
  Pie,
  PieChart,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import { formatPct, formatUsd } from './format.js';

const HEIGHT = 260;
const PALETTE = [
  'blue',
  'teal',
  'orange',
  'grape',
  'yellow',
  'cyan',
  'red',
  'lime',
  'indigo',
  'pink',
] as const;

function color(theme: MantineTheme, name: string, shade = 6): string {
  return theme.colors[name]?.[shade] ?? theme.colors.blue[6];
}

export function paletteColor(theme: MantineTheme, index: number): string {
  return color(theme, PALETTE[index % PALETTE.length] ?? 'blue');
}

/** A titled card holding one chart; `testId` lets browser tests find the chart's svg. */
export function ChartCard({
  title,
  description,
  testId,
  children,
}: {
  title: string;
  description?: string;
  testId: string;
  children: ReactNode;
}) {
  return (
    <Card withBorder padding="md" data-testid={testId} aria-label={title} role="figure">
      <Text fw={600}>{title}</Text>
      {description && (
        <Text size="xs" c="dimmed" mb="xs">
          {description}
        </Text>
      )}
      {children}
    </Card>
  );
}

export interface LineSeries {
  key: string;
  label: string;
  color: string;
}

/** Percentages over snapshots (0-100 axis); a null value leaves a gap. */
export function PercentLineChart({
  data,
  series,
}: {
  data: Array<Record<string, string | number | null>>;
  series: readonly LineSeries[];
}) {
  const theme = useMantineTheme();
  return (
    <ResponsiveContainer width="100%" height={HEIGHT}>
      <LineChart data={data} margin={{ top: 8, right: 16, bottom: 0, left: 0 }}>
        <CartesianGrid strokeDasharray="3 3" stroke={theme.colors.gray[3]} />
        <XAxis dataKey="label" tick={{ fontSize: 12 }} />
        <YAxis domain={[0, 100]} unit="%" width={48} tick={{ fontSize: 12 }} />
        <Tooltip formatter={(v) => formatPct(typeof v === 'number' ? v : null)} />
        <Legend />
        {series.map((s) => (
          <Line
            key={s.key}
            type="monotone"
            dataKey={s.key}
            name={s.label}
            stroke={color(theme, s.color)}
            strokeWidth={2}
            dot={{ r: 3 }}
            connectNulls={false}
            isAnimationActive={false}
          />
        ))}
      </LineChart>
    </ResponsiveContainer>
  );
}

/** Dollars per category or owner, one bar each. */
export function UsdBarChart({
  data,
  barColor,
  layout = 'horizontal',
}: {
  data: Array<{ name: string; value: number }>;
  barColor: string;
  layout?: 'horizontal' | 'vertical';
}) {
  const theme = useMantineTheme();
  const vertical = layout === 'vertical';
  return (
    <ResponsiveContainer width="100%" height={vertical ? Math.max(HEIGHT, data.length * 32 + 40) : HEIGHT}>
      <BarChart
        data={data}
        layout={vertical ? 'vertical' : 'horizontal'}
        margin={{ top: 8, right: 16, bottom: 0, left: 0 }}
      >
        <CartesianGrid strokeDasharray="3 3" stroke={theme.colors.gray[3]} />
        {vertical ? (
          <>
            <XAxis
              type="number"
              tickFormatter={(v: number) => formatUsd(v, { whole: true })}
              tick={{ fontSize: 12 }}
            />
            <YAxis type="category" dataKey="name" width={150} tick={{ fontSize: 12 }} />
          </>
        ) : (
          <>
            <XAxis dataKey="name" tick={{ fontSize: 12 }} interval={0} />
            <YAxis
              tickFormatter={(v: number) => formatUsd(v, { whole: true })}
              width={72}
              tick={{ fontSize: 12 }}
            />
          </>
        )}
        <Tooltip formatter={(v) => formatUsd(typeof v === 'number' ? v : null)} />
        <Bar dataKey="value" name="USD / month" fill={color(theme, barColor)} isAnimationActive={false} />
      </BarChart>
    </ResponsiveContainer>
  );
}

/** Shares of a whole (cost by owner), as a donut with a legend. */
export function UsdDonutChart({ data }: { data: Array<{ name: string; value: number }> }) {
  const theme = useMantineTheme();
  return (
    <ResponsiveContainer width="100%" height={HEIGHT}>
      <PieChart>
        <Pie
          data={data}
          dataKey="value"
          nameKey="name"
          innerRadius="55%"
          outerRadius="85%"
          paddingAngle={data.length > 1 ? 1 : 0}
          stroke={data.length > 1 ? theme.white : 'none'}
          isAnimationActive={false}
        >
          {data.map((d, i) => (
            <Cell key={d.name} fill={paletteColor(theme, i)} />
          ))}
        </Pie>
        <Tooltip formatter={(v) => formatUsd(typeof v === 'number' ? v : null)} />
        <Legend layout="vertical" align="right" verticalAlign="middle" />
      </PieChart>
    </ResponsiveContainer>
  );
}
