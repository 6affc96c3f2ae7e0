import { z } from 'zod';
import { lenientBoolean, text } from '../../core/schema';

export const REALM_PATTERN = /^[0-9A-Za-z\-.:_]+$/;

/** `accounts` (spec accounts-auth.md §2.1). Extra keys are kept. */
export const AccountSchema = z.looseObject({
  name: text(1, 128),
  realm: text(4, 253).pipe(z.string().regex(REALM_PATTERN)).optional(),
  language: z.string().optional(),
  timezone: z.string().optional(),
  enabled: lenientBoolean().optional(),
});

export type Account = z.infer<typeof AccountSchema>;

/** Keys crossbar computes for responses (`leak_pvt_fields`): never stored from a client. */
export const COMPUTED_KEYS = [
  'created',
  'superduper_admin',
  'wnm_allow_additions',
  'is_reseller',
  'reseller_id',
  'billing_mode',
  'api_key',
] as const;
