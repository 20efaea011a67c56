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
      const text = fs.readFileSync(this.file, 'utf8');
      for (const line of text.split('\n')) {
        if (!line) continue;
        try {
          this.items.push(JSON.parse(line));
        } catch {
          /* torn last line after a crash */
        }
      }
      // Cut a torn tail so the next record starts on a line of its own.
      const end = text.lastIndexOf('\n') + 1;
      if (end < text.length) fs.truncateSync(this.file, Buffer.byteLength(text.slice(0, end)));
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
