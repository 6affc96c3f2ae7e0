import { z } from 'zod';
import { lenientBoolean, text } from '../../core/schema';

/** The minimal `users` schema (spec accounts-auth.md §4). Extra keys are kept. */
export const UserSchema = z.looseObject({
  username: text(1, 256).transform((name) => name.toLowerCase()),
  password: z.string().min(1).optional(),
  first_name: text(1, 128),
  last_name: text(1, 128),
  email: text(3, 254).optional(),
  priv_level: z.enum(['admin', 'user']).default('user'),
  enabled: lenientBoolean().default(true),
});

export type User = z.infer<typeof UserSchema>;
