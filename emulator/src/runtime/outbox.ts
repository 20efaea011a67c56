/**
 * Where `subscribeMessage.send` lands locally: an append-only JSON-lines file (or
 * memory) that tests and the gateway read back.
 */
import * as fs from 'fs';
import * as path from 'path';

export class Outbox<T extends object = Record<string, unknown>> {
  private items: T[] = [];
  private readonly file: string | null;

  constructor(dir?: string) {
    this.file = dir ? path.join(dir, 'outbox.jsonl') : null;
    if (this.file && fs.existsSync(this.file)) {
      for (const line of fs.readFileSync(this.file, 'utf8').split('\n')) {
        if (!line) continue;
        try {
          this.items.push(JSON.parse(line));
        } catch {
          /* torn last line after a crash */
        }
      }
    }
  }

  async append(record: T): Promise<void> {
    if (this.file) {
      fs.mkdirSync(path.dirname(this.file), { recursive: true });
      const fd = fs.openSync(this.file, 'a');
      try {
        fs.writeSync(fd, JSON.stringify(record) + '\n');
        fs.fsyncSync(fd);
      } finally {
        fs.closeSync(fd);
      }
    }
    this.items.push(record);
  }

  list(): T[] {
    return [...this.items];
  }

  clear(): void {
    this.items = [];
    if (this.file && fs.existsSync(this.file)) fs.truncateSync(this.file, 0);
  }
}
