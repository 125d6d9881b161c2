/**
 * Wall-clock arithmetic in IANA time zones with `Intl.DateTimeFormat` (full ICU ships with Node).
 * Instants are epoch milliseconds; local times are plain fields.
 */

export interface LocalDateTime {
  year: number;
  month: number; // 1-12
  day: number;
  hour: number;
  minute: number;
}

/** ISO weekday: 1 = Monday ... 7 = Sunday. */
export type Weekday = 1 | 2 | 3 | 4 | 5 | 6 | 7;

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/** True when the runtime knows the IANA zone name. */
export function isValidTimeZone(timeZone: string): boolean {
  try {
    formatter(timeZone);
    return true;
  } catch {
    return false;
  }
}

/** The wall-clock fields of an instant in a zone (seconds dropped). */
export function toLocal(instant: number, timeZone: string): LocalDateTime & { second: number } {
  const parts = formatter(timeZone).formatToParts(new Date(instant));
  const get = (t: string): number => Number(parts.find((p) => p.type === t)?.value ?? 0);
  return {
    year: get('year'),
    month: get('month'),
    day: get('day'),
    hour: get('hour'),
    minute: get('minute'),
    second: get('second'),
  };
}

/** Offset of the zone from UTC at an instant, in milliseconds (Berlin winter: +3_600_000). */
export function offsetAt(instant: number, timeZone: string): number {
  const l = toLocal(instant, timeZone);
  const asUtc = Date.UTC(l.year, l.month - 1, l.day, l.hour, l.minute, l.second);
  const whole = instant - (((instant % 1000) + 1000) % 1000);
  return asUtc - whole;
}

/**
 * The instant a wall-clock time happens in a zone. A time skipped by a spring-forward gap moves
 * forward by the gap (02:30 on the Berlin spring-forward day is 03:30 CEST); a time that happens
 * twice at fall-back resolves to the first (summer-time) occurrence.
 */
export function fromLocal(l: LocalDateTime, timeZone: string): number {
  const naive = Date.UTC(l.year, l.month - 1, l.day, l.hour, l.minute);
  const before = offsetAt(naive - 86_400_000 / 2, timeZone);
  const after = offsetAt(naive + 86_400_000 / 2, timeZone);
  // Earliest candidate first: the larger offset gives the earlier instant.
  const candidates = [...new Set([Math.max(before, after), Math.min(before, after)])].map((o) => naive - o);
  for (const c of candidates) {
    const back = toLocal(c, timeZone);
    if (
      back.year === l.year &&
      back.month === l.month &&
      back.day === l.day &&
      back.hour === l.hour &&
      back.minute === l.minute
    ) {
      return c;
    }
  }
  // In a gap: the wall time does not exist; use the offset from before the change.
  return naive - before;
}

/** Adds whole days to a local date (calendar arithmetic, no zone involved). */
export function addDays(l: LocalDateTime, days: number): LocalDateTime {
  const d = new Date(Date.UTC(l.year, l.month - 1, l.day + days));
  return { ...l, year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() };
}

/** ISO weekday of a local date. */
export function weekdayOf(l: Pick<LocalDateTime, 'year' | 'month' | 'day'>): Weekday {
  const d = new Date(Date.UTC(l.year, l.month - 1, l.day)).getUTCDay();
  return (d === 0 ? 7 : d) as Weekday;
}

/** Whole local calendar days from a to b (b - a). */
export function daysBetween(a: LocalDateTime, b: LocalDateTime): number {
  return Math.round(
    (Date.UTC(b.year, b.month - 1, b.day) - Date.UTC(a.year, a.month - 1, a.day)) / 86_400_000,
  );
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** Whether year-month-day is a day of the proleptic Gregorian calendar (2026-02-30 is not). */
export function validDate(year: number, month: number, day: number): boolean {
  if (month < 1 || month > 12 || day < 1) return false;
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  return day <= (month === 2 && leap ? 29 : DAYS_IN_MONTH[month - 1]!);
}

const LOCAL_RE = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})$/;

/** Parses `YYYY-MM-DDTHH:mm` (a wall-clock time without zone). */
export function parseLocalDateTime(s: string): LocalDateTime | undefined {
  const m = LOCAL_RE.exec(s);
  if (!m) return undefined;
  const [year, month, day, hour, minute] = m.slice(1).map(Number) as [number, number, number, number, number];
  if (!validDate(year, month, day) || hour > 23 || minute > 59) return undefined;
  return { year, month, day, hour, minute };
}

const HM_RE = /^([01]\d|2[0-4]):([0-5]\d)$/;

/** Parses `HH:mm` to minutes after midnight (24:00 allowed as end of day). */
export function parseHourMinute(s: string): number | undefined {
  const m = HM_RE.exec(s);
  if (!m) return undefined;
  const v = Number(m[1]) * 60 + Number(m[2]);
  return v > 24 * 60 ? undefined : v;
}

/**
 * A daily wall-clock window on some weekdays in a zone: `start`-`end` as `HH:mm`; when end is not
 * after start the window runs past midnight into the next day. `days` are the days the window
 * starts on (all days when omitted).
 */
export interface LocalWindow {
  timeZone: string;
  start: string;
  end: string;
  days?: readonly Weekday[];
}

function atMinutes(date: LocalDateTime, minutes: number): LocalDateTime {
  const base = addDays({ ...date, hour: 0, minute: 0 }, Math.floor(minutes / 1440));
  const rest = minutes % 1440;
  return { ...base, hour: Math.floor(rest / 60), minute: rest % 60 };
}

/** The [start, end) instants of the window occurrence that starts on a given local date, if any. */
export function windowOnDate(w: LocalWindow, date: LocalDateTime): [number, number] | undefined {
  if (w.days && !w.days.includes(weekdayOf(date))) return undefined;
  const s = parseHourMinute(w.start);
  const e = parseHourMinute(w.end);
  if (s === undefined || e === undefined) return undefined;
  const endMinutes = e > s ? e : e + 1440;
  return [fromLocal(atMinutes(date, s), w.timeZone), fromLocal(atMinutes(date, endMinutes), w.timeZone)];
}

/** The window occurrence containing the instant, if any. */
export function windowContaining(w: LocalWindow, instant: number): [number, number] | undefined {
  const today = { ...toLocal(instant, w.timeZone), hour: 0, minute: 0 };
  for (const d of [addDays(today, -1), today]) {
    const occ = windowOnDate(w, d);
    if (occ && occ[0] <= instant && instant < occ[1]) return occ;
  }
  return undefined;
}

/** All window start/end instants within [from, to] (boundaries for rendering timelines). */
export function windowEdges(w: LocalWindow, from: number, to: number): number[] {
  const out: number[] = [];
  let d = addDays({ ...toLocal(from, w.timeZone), hour: 0, minute: 0 }, -1);
  const last = addDays({ ...toLocal(to, w.timeZone), hour: 0, minute: 0 }, 1);
  while (daysBetween(d, last) >= 0) {
    const occ = windowOnDate(w, d);
    if (occ) for (const t of occ) if (t >= from && t <= to) out.push(t);
    d = addDays(d, 1);
  }
  return out;
}
