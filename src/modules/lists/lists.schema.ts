import { z } from 'zod';
import { text } from '../../core/schema';

/** `lists` (spec lists.md §2.1, kazoo `lists.json`): a named match list. Extra keys are kept. */
export const ListSchema = z.looseObject({
  name: text(1, 128),
  description: text(1, 128).optional(),
  org: z.string().optional(),
});

export type List = z.infer<typeof ListSchema>;

/** The address kinds of a vCard `ADR` (RFC 2426 §3.2.1). */
export const ADDRESS_TYPES = ['dom', 'postal', 'intl', 'parcel', 'home', 'work', 'pref'] as const;

/** `profile` (spec lists.md §2.3, kazoo `profile.json`): what a vCard is made of. */
export const ProfileSchema = z.looseObject({
  addresses: z
    .array(
      z.looseObject({
        address: z.string().optional(),
        types: z.array(z.enum(ADDRESS_TYPES)).optional(),
      }),
    )
    .optional(),
  assistant: z.string().optional(),
  birthday: z.string().optional(),
  nicknames: z.array(z.string()).optional(),
  note: z.string().optional(),
  role: z.string().optional(),
  'sort-string': z.string().optional(),
  title: z.string().optional(),
});

export type Profile = z.infer<typeof ProfileSchema>;

/**
 * `list_entries` (spec lists.md §2.2): one number, prefix or pattern of a list. `list_id` is
 * always the server's (taken from the URL before validation); `profile` defaults to `{}` and that
 * default is stored. Routing keys (`prefix`, `regexp`, `capture_group_*`, …) pass as extras.
 */
export const ListEntrySchema = z.looseObject({
  list_id: z.string(),
  number: z.string().optional(),
  pattern: z.string().optional(),
  type: text(1, 128).optional(),
  displayname: text(1, 128).optional(),
  firstname: text(1, 128).optional(),
  lastname: text(1, 128).optional(),
  profile: ProfileSchema.default({}),
});

export type ListEntry = z.infer<typeof ListEntrySchema>;
