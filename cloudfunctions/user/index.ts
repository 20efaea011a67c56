/** The `user` cloud function: the caller's own profile and memberships. */
import { defineFunction } from '../common';
import { me } from './me';

export const main = defineFunction({ name: 'user', actions: { me } });
