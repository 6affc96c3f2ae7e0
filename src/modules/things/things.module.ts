// GET  /v2/accounts/{A}/things              → summary {id, name}, paginated
// PUT  /v2/accounts/{A}/things              → create
// GET|POST|PATCH|DELETE …/things/{id}       → fetch, replace, merge, soft delete
// POST …/things/{id}/stuff                  → do the thing's stuff: [{"<item>":"done"}, …]
import { loadDoc } from '../../couch/docs';
import {
  validateCreate,
  validateDocument,
  validateListing,
  type DocumentKind,
} from '../../core/crud';
import type { CrossbarModule, CrossbarRequest, Outcome, RouteSpec } from '../../core/types';
import { ThingSchema } from './things.schema';

const THING: DocumentKind = { type: 'thing', schema: ThingSchema };

const routes: RouteSpec[] = [
  { path: '', methods: ['GET', 'PUT'] },
  { path: '{id}', methods: ['GET', 'POST', 'PATCH', 'DELETE'] },
  { path: '{id}/stuff', methods: ['POST'] },
];

/** Stuff is reported done, item by item; the thing itself is not changed. */
async function doStuff(req: CrossbarRequest, id: string): Promise<Outcome> {
  const thing = await loadDoc(req.db!, id, THING.type);
  const stuff = Array.isArray(thing.stuff) ? thing.stuff : [];
  return {
    kind: 'reply',
    reply: { data: stuff.map((item) => ({ [String(item)]: 'done' })), revision: thing._rev! },
  };
}

async function validate(req: CrossbarRequest): Promise<Outcome> {
  const [id, action] = req.tokens;
  if (id === undefined) {
    if (req.method === 'PUT') return validateCreate(req, THING);
    return validateListing(req, {
      dbClass: 'account',
      design: 'things',
      view: 'crossbar_listing',
      toItem: (row) => row.value,
    });
  }
  if (action === 'stuff') return doStuff(req, id);
  return validateDocument(req, THING, id);
}

export const thingsModule: CrossbarModule = {
  noun: 'things',
  scope: 'account',
  auth: 'token',
  routes,
  validate,
};
