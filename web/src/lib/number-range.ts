/**
 * Why a number typed into a NumberInput cannot be saved, or undefined when it can (an empty field
 * is the caller's to judge). Number fields use `clampBehavior="none"` and show this message
 * instead: Mantine's default clamps an out-of-range value on blur, so a different number than
 * the one typed would be saved without a word.
 */
export function numberRangeError(
  value: number | string,
  { min, max, integer = true }: { min?: number; max?: number; integer?: boolean },
): string | undefined {
  if (value === '') return undefined;
  const n = typeof value === 'number' ? value : Number(value);
  if (!Number.isFinite(n)) return 'Must be a number';
  if (integer && !Number.isInteger(n)) return 'Must be a whole number';
  if (min !== undefined && n < min) return `Must be at least ${min}`;
  if (max !== undefined && n > max) return `Must be at most ${max}`;
  return undefined;
}
