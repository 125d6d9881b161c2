/** Numbers as the Estate pages show them. */

const usd = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD', maximumFractionDigits: 2 });
const usdWhole = new Intl.NumberFormat('en-US', {
  style: 'currency',
  currency: 'USD',
  maximumFractionDigits: 0,
});

/** `$1,234.56`; `n/a` when the price catalog had no price. */
export function formatUsd(value: number | null | undefined, opts: { whole?: boolean } = {}): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return 'n/a';
  return (opts.whole && Math.abs(value) >= 100 ? usdWhole : usd).format(value);
}

/** `87.5%`; `n/a` when there was nothing to count. */
export function formatPct(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return 'n/a';
  return `${Math.round(value * 10) / 10}%`;
}

/** Short date for chart axes: `11-27 09:30` in the browser's zone. */
export function formatShortDate(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** `unattached-volume` -> `Unattached volume`. */
export function categoryLabel(category: string): string {
  const words = category.replace(/[-_]+/g, ' ').trim();
  return words.charAt(0).toUpperCase() + words.slice(1);
}
