/**
 * Overlapping invocations: each sees its own caller, and conditional updates under
 * a burst never overbook.
 */
import type { TestEmulator } from '../helpers/emulator';
import { cmd, fidelityEmulator, ok, run } from './helpers/fidelity';

let emu: TestEmulator;
beforeEach(async () => {
  emu = await fidelityEmulator({ slots: [], probes: [] });
});
afterEach(() => emu.close());

test('overlapping invocations each see their own OPENID before and after awaiting', async () => {
  const callers = Array.from({ length: 40 }, (_, i) => `caller-${i}`);
  const results = await Promise.all(
    callers.map((openid, i) =>
      // Different delays make the invocations finish in a different order than they start.
      ok(emu, { op: 'whoamiTwice', coll: 'probes', delayMs: (i * 7) % 23 }, openid),
    ),
  );
  results.forEach((r, i) => {
    expect(r).toEqual({ first: callers[i], second: callers[i], event: callers[i] });
  });
  // Nothing leaks into the process once the invocations are over.
  expect(process.env.WX_OPENID ?? '').toBe('');
});

test('a burst of 50 conditional updates on a capacity-10 slot books exactly 10', async () => {
  await emu.seed({ slots: [{ _id: 'slot', cap: 10, taken: 0 }] });
  const results = await Promise.all(
    Array.from({ length: 50 }, (_, i) =>
      run(
        emu,
        {
          op: 'update',
          coll: 'slots',
          where: { _id: 'slot', taken: cmd('lt', 10) },
          data: { taken: cmd('inc', 1) },
        },
        `booker-${i}`,
      ),
    ),
  );
  const booked = results.filter((r) => r.ok?.stats.updated === 1).length;
  const refused = results.filter((r) => r.ok?.stats.updated === 0).length;
  expect([booked, refused]).toEqual([10, 40]);
  expect(emu.db.get('slots', 'slot')!.taken).toBe(10);
});
