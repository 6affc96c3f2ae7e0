/** Whether an `If-Match` / `If-None-Match` header names `etag` (quoted or not, weak or not, or `*`). */
export function etagMatches(header: string, etag: string): boolean {
  return header
    .split(',')
    .map((tag) =>
      tag
        .trim()
        .replace(/^W\//, '')
        .replace(/^"(.*)"$/, '$1'),
    )
    .some((tag) => tag === '*' || tag === etag);
}
