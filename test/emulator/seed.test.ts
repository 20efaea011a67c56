/**
 * Seed files: relative dates (`$seedDate`, `$seedYear`) so demo data stays upcoming or past
 * whenever it is loaded, read by `Emulator.readSeedFile` (npm start, the gateway) and by the
 * tests' `reviveDates` alike.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Emulator, seedDate, seedYear } from '../../emulator/src/emulator';
import { reviveDates } from '../helpers/branch';

// 2026-03-31T20:00Z is 2026-04-01 04:00 in China: the seeding DAY is April 1st there.
const NOW = new Date('2026-03-31T20:00:00.000Z');

test('days + at: that clock time (UTC+8) so many days after the seeding day in China', () => {
  expect(seedDate({ days: 7, at: '09:00' }, NOW).toISOString()).toBe('2026-04-08T01:00:00.000Z');
  expect(seedDate({ days: 0, at: '00:00' }, NOW).toISOString()).toBe('2026-03-31T16:00:00.000Z');
  expect(seedDate({ days: -14, at: '14:30' }, NOW).toISOString()).toBe('2026-03-18T06:30:00.000Z');
});

test('without at: the seeding instant moved by days, hours and minutes', () => {
  expect(seedDate({ minutes: -30 }, NOW).toISOString()).toBe('2026-03-31T19:30:00.000Z');
  expect(seedDate({ hours: 2 }, NOW).toISOString()).toBe('2026-03-31T22:00:00.000Z');
  expect(seedDate({ days: 1, hours: -1 }, NOW).toISOString()).toBe('2026-04-01T19:00:00.000Z');
  expect(seedDate({}, NOW).toISOString()).toBe(NOW.toISOString());
});

test('$seedYear is the China-time year of the same date', () => {
  const newYear = new Date('2026-12-31T17:00:00.000Z'); // 2027-01-01 01:00 in China
  expect(seedYear({ days: 0, at: '09:00' }, newYear)).toBe(2027);
  expect(seedYear({ days: -1, at: '09:00' }, newYear)).toBe(2026);
});

test.each([[{ days: 'x' }], [{ weeks: 1 }], [{ at: '9:00' }], [{ at: '24:00' }], [[1]], [null]])(
  'a malformed spec %j is an error naming it',
  (spec) => {
    expect(() => seedDate(spec, NOW)).toThrow(/invalid \$seedDate/);
  },
);

test('readSeedFile and the tests’ reviveDates resolve them anywhere in a document', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'seed-'));
  const file = path.join(dir, 'seed.json');
  const doc = {
    _id: 'a1',
    startAt: { $seedDate: { days: 2, at: '09:00' } },
    year: { $seedYear: { days: 2, at: '09:00' } },
    fixed: { $date: '2025-01-01T00:00:00.000Z' },
    nested: [{ at: { $seedDate: { hours: -1 } } }],
  };
  fs.writeFileSync(file, JSON.stringify({ collections: { things: [doc] } }));
  try {
    const read = Emulator.readSeedFile(file, NOW).things[0];
    const revived = (reviveDates({ collections: { things: [doc] } }, NOW) as any).collections
      .things[0];
    for (const d of [read, revived]) {
      expect(d.startAt).toEqual(new Date('2026-04-03T01:00:00.000Z'));
      expect(d.year).toBe(2026);
      expect(d.fixed).toEqual(new Date('2025-01-01T00:00:00.000Z'));
      expect((d.nested as { at: Date }[])[0].at).toEqual(new Date('2026-03-31T19:00:00.000Z'));
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('the demo seed keeps its upcoming activities upcoming', () => {
  const now = new Date();
  const seed = Emulator.readSeedFile(path.join(__dirname, '..', '..', 'database/seed/demo.json'));
  const themeDay = seed.activities.find((a) => a._id === 'act-b1-themeday')!;
  expect((themeDay.startAt as Date).getTime()).toBeGreaterThan(now.getTime() + 6 * 86400_000);
  const today = seed.activities.find((a) => a._id === 'act-b1-volunteer-today')!;
  expect((today.startAt as Date).getTime()).toBeLessThan(now.getTime());
  expect((today.endAt as Date).getTime()).toBeGreaterThan(now.getTime());
});
