/**
 * Reassembles concatenated inbound (MO) messages received part by part over SMPP (providers.md §8.3):
 * parts are grouped by sender + recipient + reference and joined in part-number order, whatever the
 * arrival order (vector V64). An incomplete group is given up after `timeoutMs`.
 *
 * @module
 */

/** One received part. */
export interface MoPart {
  from: string;
  to: string;
  ref: number;
  total: number;
  /** 1-based part number. */
  index: number;
  /** The part's decoded text. */
  text: string;
}

/** A complete message. */
export interface ReassembledMo {
  from: string;
  to: string;
  ref: number;
  /** Parts' texts joined in part-number order. */
  text: string;
  total: number;
}

/** Buffers MO parts until every part of a message has arrived. Pure: the clock is passed in (ms). */
export class MoReassembler {
  private groups = new Map<string, { first: number; parts: Map<number, string>; total: number }>();

  /** @param timeoutMs how long an incomplete message is kept, ms; default 10 minutes. */
  constructor(private readonly timeoutMs = 10 * 60_000) {}

  /**
   * Adds a part. A repeated part number replaces the earlier copy (an SMSC re-delivery).
   * @returns the whole message when this part completed it, else `null`.
   */
  add(part: MoPart, nowMs: number): ReassembledMo | null {
    this.expire(nowMs);
    const key = `${part.from}\u0000${part.to}\u0000${part.ref}\u0000${part.total}`;
    const group = this.groups.get(key) ?? { first: nowMs, parts: new Map<number, string>(), total: part.total };
    group.parts.set(part.index, part.text);
    this.groups.set(key, group);
    if (group.parts.size < group.total) return null;
    this.groups.delete(key);
    const text = [...group.parts.entries()].sort((a, b) => a[0] - b[0]).map(([, t]) => t).join('');
    return { from: part.from, to: part.to, ref: part.ref, text, total: group.total };
  }

  /** Messages still waiting for parts. */
  get pending(): number {
    return this.groups.size;
  }

  /** Drops groups older than the timeout. */
  expire(nowMs: number): void {
    for (const [key, g] of this.groups) if (nowMs - g.first > this.timeoutMs) this.groups.delete(key);
  }
}
