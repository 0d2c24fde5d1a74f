/** One page as the list RPCs return it: items plus the token of the next page ('' on the last). */
export interface Page<T> {
  items: T[];
  nextPageToken: string;
}

export interface PagingFlags {
  /** Follow next_page_token until the last page. */
  all?: boolean;
  /** Start from this page token (from a previous --json answer). */
  pageToken?: string;
}

/**
 * One page, or with `all` every page concatenated. The merged result carries an
 * empty token, so `--all --json` looks like a single complete answer.
 */
export async function collectPages<T>(
  fetch: (token: string) => Promise<Page<T>>,
  flags: PagingFlags,
): Promise<Page<T>> {
  let page = await fetch(flags.pageToken ?? '');
  if (!flags.all) return page;
  const items = [...page.items];
  const seen = new Set<string>();
  while (page.nextPageToken !== '') {
    // A server that hands back a token twice would otherwise keep us here forever.
    if (seen.has(page.nextPageToken)) throw new Error(`the server repeated page token ${page.nextPageToken}`);
    seen.add(page.nextPageToken);
    page = await fetch(page.nextPageToken);
    items.push(...page.items);
  }
  return { items, nextPageToken: '' };
}
