import { describe, it, expect } from 'vitest';
import { applyMessageEvent, initialMessageState } from '../../src/domain/message-machine.js';
import type { MessageEvent, MessageState } from '../../src/domain/message-machine.js';
import { FINAL_STATUSES, isFinalStatus } from '../../src/domain/message-status.js';
import type { DeliveryStatus, MessageStatus } from '../../src/domain/message-status.js';
import { loadVectors } from '../helpers/vectors.js';
import type { Vector } from '../helpers/vectors.js';

const DELIVERY_STATUSES: DeliveryStatus[] = [
  'queued',
  'sent',
  'delivered',
  'undelivered',
  'failed',
  'expired',
  'rejected',
  'unknown',
];
const STRONG_FINALS = ['delivered', 'undelivered', 'failed', 'expired', 'rejected'] as const;

/** Applies events in order and returns the final state and how many of them changed it. */
function run(events: MessageEvent[], start: MessageState = initialMessageState()) {
  let state = start;
  let changes = 0;
  for (const event of events) {
    const result = applyMessageEvent(state, event);
    if (result.changed) changes += 1;
    state = result.state;
  }
  return { state, changes };
}

const dlr = (
  status: DeliveryStatus,
  extra: Partial<Extract<MessageEvent, { type: 'DLR' }>> = {},
): MessageEvent => ({
  type: 'DLR',
  status,
  ...extra,
});
const accepted: MessageEvent = { type: 'SUBMIT_ACCEPTED', providerMessageId: 'SM1', parts: 1 };
const submitted = (): MessageState => run([{ type: 'CLAIM' }, accepted]).state;

describe('message machine: send lifecycle', () => {
  it('starts queued with one part and no per-part statuses', () => {
    expect(initialMessageState()).toEqual({ status: 'queued', parts: 1, partStatuses: {} });
  });

  it('claims a queued message and releases it back when the attempt did not reach the provider', () => {
    const claimed = run([{ type: 'CLAIM' }]).state;
    expect(claimed.status).toBe('submitting');
    expect(run([{ type: 'RELEASE' }], claimed).state.status).toBe('queued');
  });

  it('records the provider id and part count when the provider accepts, from queued or submitting', () => {
    const event: MessageEvent = { type: 'SUBMIT_ACCEPTED', providerMessageId: 'SM9', parts: 3 };
    for (const start of ['queued', 'submitting'] as const) {
      expect(run([event], initialMessageState(start)).state).toEqual({
        status: 'submitted',
        providerMessageId: 'SM9',
        parts: 3,
        partStatuses: {},
      });
    }
  });

  it('goes to rejected or failed with reason and error details when the submit is refused', () => {
    const details = { reason: 'invalid_number', errorCode: '21211', errorText: 'Invalid To' } as const;
    expect(run([{ type: 'CLAIM' }, { type: 'SUBMIT_REJECTED', ...details }]).state).toMatchObject({
      status: 'rejected',
      ...details,
    });
    expect(run([{ type: 'SUBMIT_FAILED', reason: 'provider_error' }]).state).toMatchObject({
      status: 'failed',
      reason: 'provider_error',
    });
  });

  it('suppresses only messages that have not been submitted', () => {
    const suppress: MessageEvent = { type: 'SUPPRESS', reason: 'opted_out' };
    expect(run([suppress]).state).toMatchObject({ status: 'suppressed', reason: 'opted_out' });
    expect(run([{ type: 'CLAIM' }, suppress]).state.status).toBe('suppressed');
    expect(applyMessageEvent(submitted(), suppress).changed).toBe(false);
  });

  it('moves a submitted message to each final status its DLR reports', () => {
    for (const status of [...STRONG_FINALS, 'unknown'] as const) {
      const next = applyMessageEvent(submitted(), dlr(status, { reason: 'unreachable', errorCode: '30003' }));
      expect(next.state.status).toBe(status);
      expect(next.state.errorCode).toBe('30003');
    }
  });

  it('treats queued and sent DLRs on a submitted message as no-ops', () => {
    for (const status of ['queued', 'sent'] as const) {
      expect(applyMessageEvent(submitted(), dlr(status)).changed).toBe(false);
    }
  });

  it('moves a message forward on a DLR that arrives before the send result', () => {
    expect(run([{ type: 'CLAIM' }, dlr('sent')]).state.status).toBe('submitted');
    expect(run([dlr('queued')]).state.status).toBe('submitted');
    expect(run([{ type: 'CLAIM' }, dlr('delivered')]).state.status).toBe('delivered');
  });

  it('marks a message unknown with reason dlr_timeout when the DLR timeout passes', () => {
    for (const start of [initialMessageState(), run([{ type: 'CLAIM' }]).state, submitted()]) {
      expect(run([{ type: 'DLR_TIMEOUT' }], start).state).toMatchObject({
        status: 'unknown',
        reason: 'dlr_timeout',
      });
    }
  });

  it('lets any strong final DLR replace unknown, and forgets the dlr_timeout reason', () => {
    const timedOut = run([{ type: 'DLR_TIMEOUT' }], submitted()).state;
    for (const status of STRONG_FINALS) {
      const next = applyMessageEvent(timedOut, dlr(status)).state;
      expect(next.status).toBe(status);
      expect(next.reason).toBeUndefined();
    }
    expect(applyMessageEvent(timedOut, dlr('undelivered', { reason: 'unreachable' })).state.reason).toBe(
      'unreachable',
    );
    for (const status of ['queued', 'sent', 'unknown'] as const) {
      expect(applyMessageEvent(timedOut, dlr(status)).changed).toBe(false);
    }
  });

  it('keeps the state JSON-serialisable: a round trip through JSON applies the same way', () => {
    const state = run([{ type: 'CLAIM' }, accepted, dlr('sent', { part: { index: 1, total: 2 } })]).state;
    const restored = JSON.parse(JSON.stringify(state)) as MessageState;
    expect(restored).toEqual(state);
    const event = dlr('delivered', { part: { index: 2, total: 2 } });
    expect(applyMessageEvent(restored, event)).toEqual(applyMessageEvent(state, event));
  });
});

describe('message machine: idempotence and no regression', () => {
  it('reports duplicates as unchanged and returns the same state object', () => {
    const cases: [MessageState, MessageEvent][] = [
      [run([{ type: 'CLAIM' }]).state, { type: 'CLAIM' }],
      [submitted(), accepted],
      [run([dlr('delivered')], submitted()).state, dlr('delivered')],
      [
        run([dlr('sent', { part: { index: 1, total: 2 } })], submitted()).state,
        dlr('sent', { part: { index: 1, total: 2 } }),
      ],
      [run([{ type: 'DLR_TIMEOUT' }], submitted()).state, { type: 'DLR_TIMEOUT' }],
    ];
    for (const [state, event] of cases) {
      const result = applyMessageEvent(state, event);
      expect(result.changed).toBe(false);
      expect(result.state).toBe(state);
    }
  });

  const everyEvent: MessageEvent[] = [
    { type: 'CLAIM' },
    { type: 'RELEASE' },
    { type: 'SUBMIT_ACCEPTED', providerMessageId: 'SM-late', parts: 2 },
    { type: 'SUBMIT_REJECTED', reason: 'invalid_number' },
    { type: 'SUBMIT_FAILED', reason: 'provider_error' },
    { type: 'SUPPRESS', reason: 'opted_out' },
    { type: 'DLR_TIMEOUT' },
    ...DELIVERY_STATUSES.map((status) => dlr(status)),
    ...DELIVERY_STATUSES.map((status) => dlr(status, { part: { index: 1, total: 1 } })),
    ...DELIVERY_STATUSES.map((status) => dlr(status, { part: { index: 2, total: 3 } })),
  ];

  it.each(FINAL_STATUSES.filter((s) => s !== 'unknown'))(
    'never leaves the final status %s, whatever the event',
    (status) => {
      const start: MessageState = {
        ...initialMessageState(status),
        providerMessageId: 'SM1',
        reason: 'unreachable',
      };
      for (const event of everyEvent) {
        const result = applyMessageEvent(start, event);
        expect(result.state.status).toBe(status);
        expect(result.changed).toBe(false);
      }
    },
  );

  it('never leaves unknown except for a strong final', () => {
    const start: MessageState = {
      ...initialMessageState('unknown'),
      providerMessageId: 'SM1',
      reason: 'dlr_timeout',
    };
    const isStrong = (s: DeliveryStatus) => (STRONG_FINALS as readonly DeliveryStatus[]).includes(s);
    for (const event of everyEvent) {
      // A part DLR of a 3-part message cannot complete the roll-up on its own.
      const completes = event.type === 'DLR' && event.part?.total !== 3 && isStrong(event.status);
      const expected = completes && event.type === 'DLR' ? event.status : 'unknown';
      expect(applyMessageEvent(start, event).state.status).toBe(expected);
    }
  });

  it('learns a late provider id in a DLR-driven final state without changing the status', () => {
    const delivered = run([dlr('delivered')], run([{ type: 'CLAIM' }]).state).state;
    const { state, changed } = applyMessageEvent(delivered, accepted);
    expect(changed).toBe(true);
    expect(state).toMatchObject({ status: 'delivered', providerMessageId: 'SM1' });
  });

  it('never moves back from a final status in random event sequences', () => {
    let seed = 42;
    const next = () => (seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) / 2 ** 32;
    for (let round = 0; round < 300; round += 1) {
      let state = initialMessageState();
      let firstStrongFinal: MessageStatus | undefined;
      for (let step = 0; step < 12; step += 1) {
        const event = everyEvent[Math.floor(next() * everyEvent.length)]!;
        state = applyMessageEvent(state, event).state;
        if (firstStrongFinal) expect(state.status).toBe(firstStrongFinal);
        else if (isFinalStatus(state.status) && state.status !== 'unknown') firstStrongFinal = state.status;
      }
    }
  });
});

describe('message machine: multi-part roll-up (providers.md §9.4)', () => {
  const part = (index: number, status: DeliveryStatus) => dlr(status, { part: { index, total: 3 } });

  it('is delivered only when every part is delivered', () => {
    let state = submitted();
    state = run([part(1, 'delivered'), part(3, 'delivered')], state).state;
    expect(state).toMatchObject({
      status: 'submitted',
      parts: 3,
      partStatuses: { 1: 'delivered', 3: 'delivered' },
    });
    expect(run([part(2, 'delivered')], state).state.status).toBe('delivered');
  });

  it('waits for every part to be final, then takes the strongest negative status', () => {
    const state = run([part(1, 'failed'), part(2, 'expired')], submitted()).state;
    expect(state.status).toBe('submitted');
    expect(run([part(3, 'delivered')], state).state.status).toBe('expired');
    expect(run([part(3, 'rejected')], state).state.status).toBe('rejected');
    expect(run([part(3, 'undelivered')], state).state.status).toBe('undelivered');
    expect(run([part(3, 'unknown')], state).state.status).toBe('expired');
  });

  it('rolls up to unknown when the only negative part is unknown', () => {
    expect(
      run([part(1, 'delivered'), part(2, 'unknown'), part(3, 'delivered')], submitted()).state.status,
    ).toBe('unknown');
  });

  it('applies the rank rule per part: a late sent does not undo a delivered part, the first final wins', () => {
    const state = run([part(1, 'delivered'), part(1, 'sent'), part(1, 'undelivered')], submitted()).state;
    expect(state.partStatuses[1]).toBe('delivered');
  });

  it('keeps counting parts after the DLR timeout and leaves unknown once every part is delivered', () => {
    let state = run([part(1, 'delivered'), { type: 'DLR_TIMEOUT' }], submitted()).state;
    state = run([part(2, 'delivered')], state).state;
    expect(state).toMatchObject({
      status: 'unknown',
      reason: 'dlr_timeout',
      partStatuses: { 1: 'delivered', 2: 'delivered' },
    });
    state = run([part(3, 'delivered')], state).state;
    expect(state.status).toBe('delivered');
    expect(state.reason).toBeUndefined();
  });

  it('ignores a part index outside 1..total', () => {
    for (const index of [0, 4, 1.5])
      expect(applyMessageEvent(submitted(), part(index, 'delivered')).changed).toBe(false);
  });
});


const vectors = loadVectors('dlr-state-ordering');

/** Twilio `MessageStatus` values (providers.md §9.2) used by the vectors. */
const TWILIO_STATUS: Record<string, DeliveryStatus> = {
  queued: 'queued',
  sent: 'sent',
  delivered: 'delivered',
  undelivered: 'undelivered',
  failed: 'failed',
};
/**
 * Alibaba Cloud receipt `Status` (vector V53: 1 = sent successfully, counted as a success). Assumed: 1 is
 * the final success receipt, 2 a failure.
 */
const ALIBABA_STATUS: Record<string, DeliveryStatus> = { '1': 'delivered', '2': 'undelivered' };

const lookup = (table: Record<string, DeliveryStatus>, key: unknown): DeliveryStatus => {
  const status = table[String(key)];
  if (!status) throw new Error(`no mapping for provider status ${String(key)}`);
  return status;
};

const runners: Record<string, (v: Vector) => void> = {
  V48: (v) => {
    const callbacks = v.input.callbacks_in_arrival_order as { MessageStatus: string }[];
    const events = callbacks.map((c) =>
      dlr(lookup(TWILIO_STATUS, c.MessageStatus), { providerStatus: c.MessageStatus }),
    );
    expect(run(events, submitted()).state.status).toBe(v.expected.final_status);
  },
  V50: (v) => {
    const steps = v.input.sequence as { event: string; messageId?: string; status?: string }[];
    const events = steps.map((step): MessageEvent => {
      if (step.event === 'send_request') return { type: 'CLAIM' };
      if (step.event === 'dlr') return dlr(lookup(TWILIO_STATUS, step.status));
      return { type: 'SUBMIT_ACCEPTED', providerMessageId: step.messageId ?? '', parts: 1 };
    });
    const { state } = run(events);
    expect(state.status).toBe(v.expected.final_status);
    expect(v.expected.dlr_dropped).toBe(false);
    expect(state.providerMessageId).toBe('0B00000123456789');
  },
  V53: (v) => {
    const callbacks = v.input.callbacks as { Status: string }[];
    const events = callbacks.map((c) => dlr(lookup(ALIBABA_STATUS, c.Status)));
    const { state, changes } = run(events, submitted());
    expect(changes).toBe(v.expected.state_transitions);
    expect(state.status).toBe('delivered');
  },
};

describe('message machine: dlr-state-ordering vectors', () => {
  it('has the vectors to run', () => {
    expect(vectors.length).toBeGreaterThan(0);
  });
  it.each(vectors.map((v) => [v.id, v] as const))('holds for %s', (id, vector) => {
    const runner = runners[id];
    if (!runner) throw new Error(`no runner for vector ${id}: add one`);
    runner(vector);
  });
});
