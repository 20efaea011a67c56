/**
 * Idempotency keys per user intent (docs/pages.md): the same intent retried (a failed call,
 * a second tap) reuses its requestId; a different intent (another member, another role,
 * edited text) gets a new one; a finished intent forgets its key.
 */
import { newRequestId } from '../services/call';

export class Intents {
  private readonly ids = new Map<string, string>();

  /** The requestId of `key`, created on first use. */
  id(key: string): string {
    let id = this.ids.get(key);
    if (!id) this.ids.set(key, (id = newRequestId()));
    return id;
  }

  /** The intent succeeded (or was abandoned): the next one gets a new id. */
  done(key: string): void {
    this.ids.delete(key);
  }

  /** Forget every intent whose key starts with `prefix`. */
  doneAll(prefix = ''): void {
    for (const k of [...this.ids.keys()]) if (k.startsWith(prefix)) this.ids.delete(k);
  }
}
