import { randomBytes } from 'node:crypto';

export interface ThingData extends Record<string, unknown> {
  name: string;
  stuff?: string[];
}

/** A valid `things` document body, unique per call; `overrides` replace or add keys. */
export function buildThing(overrides: Record<string, unknown> = {}): ThingData {
  return { name: `thing-${randomBytes(4).toString('hex')}`, ...overrides };
}
