import { FixedOffsetZone, IANAZone } from 'luxon';
import { SelError } from '../errors';
import { SelZone } from '../values';

export const UTC_ZONE = new SelZone('UTC', FixedOffsetZone.utcInstance);

const zones = new Map<string, SelZone>([['UTC', UTC_ZONE]]);

/** DateTimeZone.forID: IANA ids (with daylight saving from the platform's tz data), UTC, ±hh:mm. */
export function zoneForId(id: string): SelZone {
  const hit = zones.get(id);
  if (hit) return hit;
  let zone: SelZone | null = null;
  if (id === 'GMT' || id === 'Z' || id === 'Etc/UTC' || id === 'Etc/GMT') zone = UTC_ZONE;
  else if (/^[+-]\d{2}(:?\d{2})?$/.test(id)) {
    const mins = Number(id.slice(1, 3)) * 60 + Number(id.replace(':', '').slice(3, 5) || '0');
    if (mins < 24 * 60) {
      const off = id[0] === '-' ? -mins : mins;
      zone = off === 0 ? UTC_ZONE : new SelZone(formatOffsetId(off), FixedOffsetZone.instance(off));
    }
  } else if (id.length <= 64 && /^[A-Za-z][A-Za-z0-9_+\-/]*$/.test(id) && IANAZone.isValidZone(id)) {
    zone = new SelZone(id, IANAZone.create(id));
  }
  if (!zone)
    throw new SelError(
      'RUNTIME',
      `IllegalArgumentException: The datetime zone id '${id.slice(0, 80)}' is not recognised`,
    );
  if (zones.size < 1024) zones.set(id, zone);
  return zone;
}

export function formatOffsetId(minutes: number): string {
  const a = Math.abs(minutes);
  return `${minutes < 0 ? '-' : '+'}${String(Math.floor(a / 60)).padStart(2, '0')}:${String(a % 60).padStart(2, '0')}`;
}

export function zoneForOffsetMinutes(mins: number): SelZone {
  if (!Number.isInteger(mins) || Math.abs(mins) >= 24 * 60) {
    throw new SelError('RUNTIME', `IllegalArgumentException: offset out of range: ${mins} minutes`);
  }
  return mins === 0 ? UTC_ZONE : zoneForId(formatOffsetId(mins));
}
