/** Removes the build snapshot made by global-setup.ts. */
import * as fs from 'fs';
import { SNAPSHOT_ENV } from './paths';

export default async function globalTeardown(): Promise<void> {
  const dir = process.env[SNAPSHOT_ENV];
  if (dir && /e2e-build-\d+$/.test(dir)) fs.rmSync(dir, { recursive: true, force: true });
  delete process.env[SNAPSHOT_ENV];
}
