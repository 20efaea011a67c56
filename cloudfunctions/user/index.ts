/**
 * The `user` cloud function: the caller's own profile and memberships, and the daily
 * clean-up of the request log every function writes (one trigger per function is allowed,
 * and `user` had none).
 */
import { defineFunction } from '../common';
import { pruneRequestLog } from '../common/idempotency';
import { me } from './me';

export const main = defineFunction({
  name: 'user',
  actions: { me },
  timers: {
    pruneRequestLog: async ({ db }) => pruneRequestLog(db, new Date()),
  },
});
