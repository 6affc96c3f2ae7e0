/** Things: one document read and one create, through the API and straight to the store. */
import { api, measure, type Measure, type Stack } from './harness';

export async function benchThings(stack: Stack): Promise<Array<[Measure, Measure]>> {
  const thing = await api(stack, 'PUT', `/v2/accounts/${stack.accountId}/things`, {
    name: 'bench',
    stuff: ['a'],
  });
  const thingId = (thing.data as { id: string }).id;
  const apiPath = `${stack.base}/v2/accounts/${stack.accountId}/things`;

  const getApi = await measure('GET a thing', {
    url: `${apiPath}/${thingId}`,
    headers: stack.headers,
  });
  const getDirect = await measure('GET the doc directly', {
    url: `${stack.directDb}/${thingId}`,
    headers: stack.directHeaders,
  });
  const putApi = await measure('PUT a thing', {
    url: apiPath,
    method: 'PUT',
    headers: stack.headers,
    body: JSON.stringify({ data: { name: 'bench thing', stuff: ['a'] } }),
  });
  const putDirect = await measure('POST a doc directly', {
    url: stack.directDb,
    method: 'POST',
    headers: stack.directHeaders,
    body: JSON.stringify({ name: 'bench thing', stuff: ['a'], pvt_type: 'thing' }),
  });
  return [
    [getApi, getDirect],
    [putApi, putDirect],
  ];
}
