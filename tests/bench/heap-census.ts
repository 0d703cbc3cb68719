/**
 * What the renderer holds, counted through the Chromium DevTools protocol: the JS heap after a full
 * garbage collection, the event listeners by target and event type (`DOMDebugger.getEventListeners`
 * on every `EventTarget` the heap still reaches), and a heap snapshot whose objects can be compared
 * with an earlier one's (snapshot object ids are stable within a page) and traced back to a GC root.
 */
import type { CDPSession } from '@playwright/test';

export interface HeapFigures {
  usedBytes: number;
  listeners: number;
  nodes: number;
}

/** Two full collections: objects freed by the first pass (finalizers, weak maps) go in the second. */
export async function collectGarbage(cdp: CDPSession): Promise<void> {
  await cdp.send('HeapProfiler.collectGarbage');
  await cdp.send('HeapProfiler.collectGarbage');
}

/** The page's live JS heap after a full garbage collection, its event listeners and DOM nodes. */
export async function heapFigures(cdp: CDPSession): Promise<HeapFigures> {
  await collectGarbage(cdp);
  const { usedSize } = await cdp.send('Runtime.getHeapUsage');
  await cdp.send('Performance.enable');
  const { metrics } = await cdp.send('Performance.getMetrics');
  const metric = (name: string): number => metrics.find((m) => m.name === name)?.value ?? 0;
  return { usedBytes: usedSize, listeners: metric('JSEventListeners'), nodes: metric('Nodes') };
}

/** Event listeners per "TargetClass type" (for example "RTCPeerConnection icecandidate"). */
export async function listenerCensus(cdp: CDPSession): Promise<Map<string, number>> {
  await collectGarbage(cdp);
  const census = new Map<string, number>();
  const add = (key: string, count: number) => census.set(key, (census.get(key) ?? 0) + count);
  const prototype = await cdp.send('Runtime.evaluate', { expression: 'EventTarget.prototype' });
  const prototypeId = prototype.result.objectId;
  if (!prototypeId) throw new Error('EventTarget.prototype has no object id');
  const { objects } = await cdp.send('Runtime.queryObjects', {
    prototypeObjectId: prototypeId,
    objectGroup: 'census',
  });
  if (!objects.objectId) throw new Error('queryObjects returned no array');
  try {
    const { result } = await cdp.send('Runtime.getProperties', {
      objectId: objects.objectId,
      ownProperties: true,
    });
    for (const property of result) {
      const target = property.value;
      if (!/^\d+$/.test(property.name) || !target?.objectId) continue;
      const { listeners } = await cdp.send('DOMDebugger.getEventListeners', { objectId: target.objectId });
      const className = (target.className ?? target.description ?? 'object').replace(/\s.*$/, '');
      for (const listener of listeners) add(`${className} ${listener.type}`, 1);
    }
  } finally {
    await cdp.send('Runtime.releaseObjectGroup', { objectGroup: 'census' });
  }
  return census;
}

/** Event listeners on `window` itself and on `document` (queryObjects does not list them). */
export async function globalListenerCensus(cdp: CDPSession): Promise<Map<string, number>> {
  const census = new Map<string, number>();
  for (const expression of ['window', 'document']) {
    const { result } = await cdp.send('Runtime.evaluate', { expression, objectGroup: 'census' });
    if (!result.objectId) continue;
    const { listeners } = await cdp.send('DOMDebugger.getEventListeners', { objectId: result.objectId });
    for (const listener of listeners) {
      const key = `${expression} ${listener.type}`;
      census.set(key, (census.get(key) ?? 0) + 1);
    }
  }
  await cdp.send('Runtime.releaseObjectGroup', { objectGroup: 'census' });
  return census;
}

/** The rows of `after` that grew since `before`, largest growth first. */
export function censusGrowth(
  before: Map<string, number>,
  after: Map<string, number>,
): { key: string; before: number; after: number }[] {
  const keys = new Set([...before.keys(), ...after.keys()]);
  return [...keys]
    .map((key) => ({ key, before: before.get(key) ?? 0, after: after.get(key) ?? 0 }))
    .filter((row) => row.after !== row.before)
    .sort((a, b) => b.after - b.before - (a.after - a.before));
}

interface RawSnapshot {
  snapshot: {
    meta: {
      node_fields: string[];
      node_types: [string[], ...unknown[]];
      edge_fields: string[];
      edge_types: [string[], ...unknown[]];
    };
  };
  nodes: number[];
  edges: number[];
  strings: string[];
}

/** A heap snapshot, indexed enough to compare objects between snapshots and walk retainers. */
export class HeapSnapshot {
  private readonly nodeFieldCount: number;
  private readonly edgeFieldCount: number;
  private readonly typeOffset: number;
  private readonly nameOffset: number;
  private readonly idOffset: number;
  private readonly sizeOffset: number;
  private readonly edgeCountOffset: number;
  private readonly nodeTypes: string[];
  private readonly edgeTypes: string[];
  /** First edge index of each node (by node ordinal). */
  private readonly firstEdge: Uint32Array;
  /** Distance from the GC roots over strong edges; unreachable nodes stay at 0xffffffff. */
  private readonly distance: Uint32Array;
  private retainersCache?: { first: Uint32Array; list: Uint32Array; edge: Uint32Array };

  constructor(private readonly raw: RawSnapshot) {
    const meta = raw.snapshot.meta;
    this.nodeFieldCount = meta.node_fields.length;
    this.edgeFieldCount = meta.edge_fields.length;
    this.typeOffset = meta.node_fields.indexOf('type');
    this.nameOffset = meta.node_fields.indexOf('name');
    this.idOffset = meta.node_fields.indexOf('id');
    this.sizeOffset = meta.node_fields.indexOf('self_size');
    this.edgeCountOffset = meta.node_fields.indexOf('edge_count');
    this.nodeTypes = meta.node_types[0];
    this.edgeTypes = meta.edge_types[0];
    const count = this.nodeCount;
    this.firstEdge = new Uint32Array(count + 1);
    for (let node = 0, edge = 0; node < count; node++) {
      this.firstEdge[node] = edge;
      edge += (raw.nodes[node * this.nodeFieldCount + this.edgeCountOffset] ?? 0) * this.edgeFieldCount;
      this.firstEdge[node + 1] = edge;
    }
    this.distance = this.distancesFromRoot();
  }

  static async take(cdp: CDPSession): Promise<HeapSnapshot> {
    await collectGarbage(cdp);
    const chunks: string[] = [];
    const onChunk = ({ chunk }: { chunk: string }) => chunks.push(chunk);
    cdp.on('HeapProfiler.addHeapSnapshotChunk', onChunk);
    try {
      await cdp.send('HeapProfiler.takeHeapSnapshot', { reportProgress: false });
    } finally {
      cdp.off('HeapProfiler.addHeapSnapshotChunk', onChunk);
    }
    return new HeapSnapshot(JSON.parse(chunks.join('')) as RawSnapshot);
  }

  get nodeCount(): number {
    return this.raw.nodes.length / this.nodeFieldCount;
  }

  private field(node: number, offset: number): number {
    return this.raw.nodes[node * this.nodeFieldCount + offset] ?? 0;
  }

  id(node: number): number {
    return this.field(node, this.idOffset);
  }

  type(node: number): string {
    return this.nodeTypes[this.field(node, this.typeOffset)] ?? '?';
  }

  name(node: number): string {
    return this.raw.strings[this.field(node, this.nameOffset)] ?? '?';
  }

  selfSize(node: number): number {
    return this.field(node, this.sizeOffset);
  }

  /** A node as people read it: "Closure setupStatefulComponent" or "Object RTCPeerConnection". */
  label(node: number): string {
    const type = this.type(node);
    const name = this.name(node).slice(0, 60);
    return type === 'object' || type === 'native' ? name : `(${type}) ${name}`;
  }

  ids(): Set<number> {
    const ids = new Set<number>();
    for (let node = 0; node < this.nodeCount; node++) ids.add(this.id(node));
    return ids;
  }

  private edgeType(edge: number): string {
    return this.edgeTypes[this.raw.edges[edge] ?? 0] ?? '?';
  }

  private edgeName(edge: number): string {
    const value = this.raw.edges[edge + 1] ?? 0;
    const type = this.edgeType(edge);
    return type === 'element' || type === 'hidden' ? `[${value}]` : (this.raw.strings[value] ?? '?');
  }

  private edgeTarget(edge: number): number {
    return (this.raw.edges[edge + 2] ?? 0) / this.nodeFieldCount;
  }

  private isStrong(edge: number): boolean {
    return this.edgeType(edge) !== 'weak';
  }

  private distancesFromRoot(): Uint32Array {
    const distance = new Uint32Array(this.nodeCount).fill(0xffffffff);
    distance[0] = 0;
    let frontier = [0];
    while (frontier.length > 0) {
      const next: number[] = [];
      for (const node of frontier) {
        for (
          let edge = this.firstEdge[node] ?? 0;
          edge < (this.firstEdge[node + 1] ?? 0);
          edge += this.edgeFieldCount
        ) {
          if (!this.isStrong(edge)) continue;
          const target = this.edgeTarget(edge);
          if (distance[target] !== 0xffffffff) continue;
          distance[target] = (distance[node] ?? 0) + 1;
          next.push(target);
        }
      }
      frontier = next;
    }
    return distance;
  }

  private retainers(): { first: Uint32Array; list: Uint32Array; edge: Uint32Array } {
    if (this.retainersCache) return this.retainersCache;
    const count = this.nodeCount;
    const counts = new Uint32Array(count + 1);
    for (let node = 0; node < count; node++)
      for (
        let edge = this.firstEdge[node] ?? 0;
        edge < (this.firstEdge[node + 1] ?? 0);
        edge += this.edgeFieldCount
      )
        counts[this.edgeTarget(edge)] = (counts[this.edgeTarget(edge)] ?? 0) + 1;
    const first = new Uint32Array(count + 1);
    for (let node = 0; node < count; node++) first[node + 1] = (first[node] ?? 0) + (counts[node] ?? 0);
    const filled = first.slice();
    const list = new Uint32Array(first[count] ?? 0);
    const edgeOf = new Uint32Array(first[count] ?? 0);
    for (let node = 0; node < count; node++)
      for (
        let edge = this.firstEdge[node] ?? 0;
        edge < (this.firstEdge[node + 1] ?? 0);
        edge += this.edgeFieldCount
      ) {
        const target = this.edgeTarget(edge);
        const slot = filled[target] ?? 0;
        list[slot] = node;
        edgeOf[slot] = edge;
        filled[target] = slot + 1;
      }
    this.retainersCache = { first, list, edge: edgeOf };
    return this.retainersCache;
  }

  /**
   * The shortest strong path from a GC root to the node, as "Holder.edge" steps from the root down:
   * what keeps the object alive.
   */
  retainerPath(node: number, maxSteps = 14): string[] {
    const { first, list, edge } = this.retainers();
    const steps: string[] = [];
    let current = node;
    for (let step = 0; step < maxSteps && current !== 0; step++) {
      let best = -1;
      let bestEdge = -1;
      for (let slot = first[current] ?? 0; slot < (first[current + 1] ?? 0); slot++) {
        const holder = list[slot] ?? 0;
        const via = edge[slot] ?? 0;
        if (!this.isStrong(via)) continue;
        if (best === -1 || (this.distance[holder] ?? 0) < (this.distance[best] ?? 0)) {
          best = holder;
          bestEdge = via;
        }
      }
      if (best === -1) break;
      steps.unshift(`${this.label(best)}.${this.edgeName(bestEdge)}`);
      current = best;
    }
    return steps;
  }

  /** The node that `node`'s property `name` points to. */
  property(node: number, name: string): number | undefined {
    for (
      let edge = this.firstEdge[node] ?? 0;
      edge < (this.firstEdge[node + 1] ?? 0);
      edge += this.edgeFieldCount
    )
      if (this.edgeType(edge) === 'property' && this.edgeName(edge) === name) return this.edgeTarget(edge);
    return undefined;
  }

  /**
   * Live objects that have every one of these properties: how an object of a known shape is found in
   * a minified build, where constructor names are not the source's.
   */
  objectsWithProperties(names: readonly string[]): number[] {
    const found: number[] = [];
    for (let node = 0; node < this.nodeCount; node++) {
      if (this.type(node) !== 'object' || this.distance[node] === 0xffffffff) continue;
      if (names.every((name) => this.property(node, name) !== undefined)) found.push(node);
    }
    return found;
  }

  /**
   * What `nodes` keep alive: the bytes freed if they went, i.e. their own and those of every object
   * reachable from a GC root only through them (DevTools' "retained size", for a set of objects).
   */
  retainedSize(nodes: readonly number[]): number {
    const blocked = new Set(nodes);
    const reached = new Uint8Array(this.nodeCount);
    reached[0] = 1;
    let frontier = [0];
    while (frontier.length > 0) {
      const next: number[] = [];
      for (const node of frontier)
        for (
          let edge = this.firstEdge[node] ?? 0;
          edge < (this.firstEdge[node + 1] ?? 0);
          edge += this.edgeFieldCount
        ) {
          const target = this.edgeTarget(edge);
          if (!this.isStrong(edge) || reached[target] === 1 || blocked.has(target)) continue;
          reached[target] = 1;
          next.push(target);
        }
      frontier = next;
    }
    let bytes = 0;
    for (let node = 0; node < this.nodeCount; node++)
      if (reached[node] === 0 && this.distance[node] !== 0xffffffff) bytes += this.selfSize(node);
    return bytes;
  }

  /** Live objects (reachable from a GC root) in this snapshot that `earlier` did not have. */
  newNodes(earlier: Set<number>): number[] {
    const nodes: number[] = [];
    for (let node = 0; node < this.nodeCount; node++) {
      if (earlier.has(this.id(node)) || this.distance[node] === 0xffffffff) continue;
      const type = this.type(node);
      if (type !== 'hidden' && type !== 'synthetic') nodes.push(node);
    }
    return nodes;
  }

  /** Objects in this snapshot that `earlier` did not have, grouped by label: count and bytes. */
  newObjects(earlier: Set<number>): { label: string; count: number; bytes: number; sample: number }[] {
    const groups = new Map<string, { label: string; count: number; bytes: number; sample: number }>();
    for (const node of this.newNodes(earlier)) {
      const label = this.label(node);
      const group = groups.get(label) ?? { label, count: 0, bytes: 0, sample: node };
      group.count += 1;
      group.bytes += this.selfSize(node);
      groups.set(label, group);
    }
    return [...groups.values()].sort((a, b) => b.bytes - a.bytes);
  }
}
