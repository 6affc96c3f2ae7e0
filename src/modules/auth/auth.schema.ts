import { z } from 'zod';
import { text } from '../../core/schema';

/** `PUT /v2/user_auth` (spec accounts-auth.md §5.1). */
export const UserAuthSchema = z.looseObject({
  credentials: text(1, 64),
  method: z.enum(['md5', 'sha']).default('md5'),
  account_name: text(1, 128).optional(),
  account_realm: text(4, 253).optional(),
  realm: text(4, 253).optional(),
  phone_number: z.string().optional(),
});

/** `PUT /v2/api_auth` (spec §5.2): exactly 64 characters. */
export const ApiAuthSchema = z.looseObject({
  api_key: text(64, 64),
});
