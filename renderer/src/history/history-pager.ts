import type { IndexableType, Table } from 'dexie';
import type { CallHistoryEntry } from './call-history';
import { isFacet, termKey, termRange, type HistoryQuery } from './search-terms';

/** An entry as stored: with its search index keys (see `search-terms.ts`), which readers never see. */
export interface StoredHistoryEntry extends CallHistoryEntry {
  search: string[];
}

export function withoutSearchKeys({ search: _keys, ...entry }: StoredHistoryEntry): CallHistoryEntry {
  return entry;
}

/**
 * Where a list is read from:
 * - `walk`: an index range, newest first, that holds every entry of the list (and maybe others, which
 *   the query's check drops): all entries by start time, or the entries with one search term;
 * - `ids`: the ids of the only entries that can match, newest first (a rare term's, or the entries
 *   that have every term), read by id.
 */
type Plan =
  | {
      kind: 'walk';
      index: 'startedAt' | 'search';
      lower: IndexableType;
      upper: IndexableType;
      key(entry: CallHistoryEntry): IndexableType;
    }
  | { kind: 'ids'; ids: string[] };

/**
 * A query of several terms first walks the one most likely to be rare ({@link likelyRarest}) and checks
 * what it reads: a rare name, a number or a common name that most of the term's entries are is then
 * one IndexedDB read, where probing every term first took a read per term before the entries were
 * read. Only when fewer than one in {@link SPARSE} of what the walk read match does the planner probe
 * every term (the entries already handed out are not handed out again).
 */
const SPARSE = 10;
/** Ids read per term to judge how common it is (ids only: far cheaper than entries). */
const PROBE = 300;
/**
 * When every term is common, walking one and checking each entry is quick if enough of their newest
 * entries are the same ones (at least one in ten of them matches); otherwise the ids that have every
 * term are worked out first.
 */
const DENSE_OVERLAP = PROBE / 10;
/** Intersecting stops once this few ids are left: checking their entries is cheaper than more ids. */
const FEW_IDS = 200;
/**
 * Entries per IndexedDB read while a page is being filled: the first read asks for the page's size
 * (a common term fills it in one read, and a short page read first is not slowed by more), and each
 * read after it twice the one before, up to this, while few entries pass the check.
 */
const LARGEST_BATCH = 1_000;

/** What one read gave: the matching entries, and how many entries were checked to find them. */
interface Read {
  matches: CallHistoryEntry[];
  checked: number;
}

/**
 * The term of a query most likely to be rare, without asking the index: a word's over a filter's (a
 * filter is often every entry), a longer term over a shorter (a run of seven digits over a run of four,
 * a run of three letters over a word's first letter), and of those the last: the end of a number
 * (its subscriber part, where the start is an area code many entries share) or the last word typed.
 */
function likelyRarest(terms: readonly string[]): string | undefined {
  let best: string | undefined;
  for (const term of terms) {
    if (isFacet(term)) continue;
    if (best === undefined || [...term].length >= [...best].length) best = term;
  }
  return best;
}

/**
 * One filtered list, newest first, read a page at a time by key: IndexedDB has no cheap offset (it
 * steps over every skipped entry), so each page starts below the last entry the previous one ended on.
 */
export class HistoryPager {
  private plan?: Plan;
  /** The walk started on a guess and may still give way to a planned one (see {@link SPARSE}). */
  private guessed = false;
  /** Ids handed out by a guessed walk that gave way: the planned list starts from the newest again. */
  private handedOut = new Set<string>();
  /** Walk: the key of the last entry handed out, and the ids handed out with exactly that key (ties). */
  private lastKey: IndexableType | undefined;
  private atLastKey = new Set<string>();
  /** Ids: how many have been read. */
  private position = 0;
  private finished = false;
  private closed = false;

  constructor(
    private readonly calls: Table<StoredHistoryEntry, string>,
    private readonly query: HistoryQuery,
  ) {}

  /** True once every matching entry has been handed out (or the pager was closed). */
  get done(): boolean {
    return this.finished || this.closed;
  }

  /** True for the whole history, newest first (no filter, no search). */
  get unfiltered(): boolean {
    return this.query.everything;
  }

  /**
   * Goes on below `shown`: the newest entries of the whole history, read earlier and still what the
   * database holds. Only the unfiltered list can be resumed so: its order is the start time alone.
   */
  resumeBelow(shown: readonly CallHistoryEntry[]): void {
    const last = shown.at(-1);
    if (!this.query.everything || last === undefined) return;
    this.plan = this.everythingPlan();
    this.lastKey = last.startedAt;
    this.atLastKey = new Set(
      shown.filter((entry) => entry.startedAt === last.startedAt).map((entry) => entry.id),
    );
  }

  /** Whether an entry belongs in this list (for an entry written while the list is shown). */
  matches(entry: CallHistoryEntry): boolean {
    return this.query.matches(entry);
  }

  /** Stops reading: a page on its way ends early. For a list the user has already replaced. */
  close(): void {
    this.closed = true;
  }

  /** The next `count` matching entries (fewer at the end of the list). */
  async next(count: number): Promise<CallHistoryEntry[]> {
    const page: CallHistoryEntry[] = [];
    let batch = count;
    while (page.length < count && !this.done) {
      const plan = (this.plan ??= this.guess() ?? (await this.planFor()));
      const wanted = count - page.length;
      const read =
        plan.kind === 'walk'
          ? await this.readWalk(plan, batch, wanted)
          : await this.readIds(plan, batch, wanted);
      page.push(...read.matches);
      if (this.guessed) {
        this.guessed = false;
        if (read.matches.length < wanted && read.matches.length * SPARSE < read.checked && !this.done) {
          for (const entry of page) this.handedOut.add(entry.id);
          this.plan = await this.planFor();
          this.lastKey = undefined;
          this.atLastKey = new Set();
          continue;
        }
      }
      batch = Math.min(LARGEST_BATCH, batch * 2);
    }
    return page;
  }

  /** A walk of the query's likeliest rare term, when there are several terms to choose from. */
  private guess(): Plan | undefined {
    const terms = [...new Set(this.query.terms)];
    if (this.query.everything || terms.length === 1) return undefined;
    const term = likelyRarest(terms);
    if (term === undefined) return undefined;
    this.guessed = true;
    return this.walkTerm(term);
  }

  /** An entry passes the check and was not handed out before the plan changed. */
  private fresh(entry: StoredHistoryEntry): boolean {
    return this.query.matches(entry) && !this.handedOut.has(entry.id);
  }

  private async readWalk(
    plan: Extract<Plan, { kind: 'walk' }>,
    batch: number,
    wanted: number,
  ): Promise<Read> {
    // From the last key handed out, inclusive: entries tied with it come back and are skipped.
    const limit = batch + this.atLastKey.size;
    const read = await this.calls
      .where(plan.index)
      .between(plan.lower, this.lastKey ?? plan.upper, true, this.lastKey !== undefined)
      .reverse()
      .limit(limit)
      .toArray();
    const matches: CallHistoryEntry[] = [];
    let used = 0;
    for (const entry of read) {
      used += 1;
      if (this.atLastKey.has(entry.id)) continue;
      const key = plan.key(entry);
      if (this.lastKey === undefined || indexedDB.cmp(key, this.lastKey) !== 0) this.atLastKey = new Set();
      this.lastKey = key;
      this.atLastKey.add(entry.id);
      if (this.fresh(entry)) matches.push(withoutSearchKeys(entry));
      if (matches.length === wanted) break;
    }
    if (read.length < limit && used === read.length) this.finished = true;
    return { matches, checked: used };
  }

  private async readIds(plan: Extract<Plan, { kind: 'ids' }>, batch: number, wanted: number): Promise<Read> {
    const ids = plan.ids.slice(this.position, this.position + batch);
    const read = await this.calls.bulkGet(ids);
    const matches: CallHistoryEntry[] = [];
    let checked = 0;
    for (const entry of read) {
      this.position += 1;
      checked += 1;
      // An entry deleted since the ids were read is simply gone.
      if (entry && this.fresh(entry)) matches.push(withoutSearchKeys(entry));
      if (matches.length === wanted) break;
    }
    if (this.position >= plan.ids.length) this.finished = true;
    return { matches, checked };
  }

  /** Ids of the entries with `term`, newest first (at most `limit`). */
  private termIds(term: string, limit = Infinity): Promise<string[]> {
    const [lower, upper] = termRange(term);
    return this.calls.where('search').between(lower, upper, true, false).reverse().limit(limit).primaryKeys();
  }

  private walkTerm(term: string): Plan {
    const [lower, upper] = termRange(term);
    return { kind: 'walk', index: 'search', lower, upper, key: (entry) => termKey(term, entry.startedAt) };
  }

  private everythingPlan(): Plan {
    return {
      kind: 'walk',
      index: 'startedAt',
      lower: -Infinity,
      upper: Infinity,
      key: (entry) => entry.startedAt,
    };
  }

  private async planFor(): Promise<Plan> {
    if (this.query.everything) return this.everythingPlan();
    const terms = [...new Set(this.query.terms)];
    if (terms.length === 1) return this.walkTerm(terms[0] ?? '');
    const probes = await Promise.all(
      terms.map(async (term) => ({ term, ids: await this.termIds(term, PROBE) })),
    );
    probes.sort((a, b) => a.ids.length - b.ids.length);
    const rarest = probes[0];
    if (!rarest) return { kind: 'ids', ids: [] };
    // A term with fewer entries than the probe read: those are all the candidates there are.
    if (rarest.ids.length < PROBE) return { kind: 'ids', ids: rarest.ids };
    let overlap = new Set(rarest.ids);
    for (const probe of probes.slice(1)) overlap = new Set(probe.ids.filter((id) => overlap.has(id)));
    if (overlap.size >= DENSE_OVERLAP) return this.walkTerm(rarest.term);
    // Every term is common but they seldom meet (typing "bob s" among thousands of Bobs and Smiths):
    // intersect their ids, facets (often every entry) last, until few are left.
    const ordered = [...probes].sort((a, b) => Number(isFacet(a.term)) - Number(isFacet(b.term)));
    let ids: string[] | undefined;
    for (const { term } of ordered) {
      if (this.closed) break;
      const termIds = await this.termIds(term);
      if (ids === undefined) ids = termIds;
      else {
        const other = new Set(termIds);
        ids = ids.filter((id) => other.has(id));
      }
      if (ids.length <= FEW_IDS) break;
    }
    return { kind: 'ids', ids: ids ?? [] };
  }
}
