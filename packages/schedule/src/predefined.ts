/** Named schedules of a PREDEFINED trigger, written with an `@` as Maestro serializes them. */
export const PREDEFINED_SCHEDULES = ['@hourly', '@daily', '@weekly', '@monthly', '@yearly'] as const;
export type PredefinedSchedule = (typeof PREDEFINED_SCHEDULES)[number];

/** The 5-field cron each name stands for (Vixie cron's table), read in the trigger's time zone. */
export const PREDEFINED_CRONS: Readonly<Record<PredefinedSchedule, string>> = {
  '@hourly': '0 * * * *',
  '@daily': '0 0 * * *',
  '@weekly': '0 0 * * 0',
  '@monthly': '0 0 1 * *',
  '@yearly': '0 0 1 1 *',
};

/** The schedule a name means, case-insensitive and with or without the `@` ("DAILY" → "@daily"). */
export function predefinedSchedule(name: string): PredefinedSchedule | undefined {
  const key = `@${name.replace(/^@/, '').toLowerCase()}`;
  return PREDEFINED_SCHEDULES.find((s) => s === key);
}
