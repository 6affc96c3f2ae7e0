import { z } from 'zod';
import { text } from '../../core/schema';

/** `things` (spec things.md §1): a name, and the stuff it does. Extra keys are kept. */
export const ThingSchema = z.looseObject({
  name: text(1, 32),
  stuff: z.array(z.string()).default([]),
});

export type Thing = z.infer<typeof ThingSchema>;
