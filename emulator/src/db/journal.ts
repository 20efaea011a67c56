/**
 * Durability: every acknowledged write is one line appended to `journal.log` and
 * fsynced before the SDK gets its answer. On open the snapshot is loaded, the journal
 * replayed (a torn last line from a crash is dropped), and both are compacted into a
 * fresh snapshot written atomically (temp file, fsync, rename, fsync of the folder).
 */
import * as fs from 'fs';
import * as path from 'path';
import { EJSON } from 'bson';
import { parseStored, type Doc } from './ejson';

export type JournalOp = ['put', string, Doc] | ['del', string, string] | ['coll', string];

export interface SnapshotData {
  seq: number;
  collections: Record<string, Doc[]>;
}

const COMPACT_BYTES = 64 * 1024 * 1024;

export class Journal {
  private fd: number;
  private bytes = 0;

  private constructor(
    readonly dir: string,
    fd: number,
  ) {
    this.fd = fd;
  }

  /** Loads what is on disk; `apply` receives the snapshot then every journal record in order. */
  static open(dir: string, load: (snap: SnapshotData, ops: JournalOp[][]) => void): Journal {
    fs.mkdirSync(dir, { recursive: true });
    const snapPath = path.join(dir, 'snapshot.json');
    const logPath = path.join(dir, 'journal.log');
    let snap: SnapshotData = { seq: 0, collections: {} };
    if (fs.existsSync(snapPath)) {
      snap = parseStored(fs.readFileSync(snapPath, 'utf8'));
    }
    const records: JournalOp[][] = [];
    if (fs.existsSync(logPath)) {
      const text = fs.readFileSync(logPath, 'utf8');
      const lines = text.split('\n');
      for (let i = 0; i < lines.length; i++) {
        const line = lines[i];
        if (!line) continue;
        try {
          const rec = parseStored(line);
          records.push(rec.o as JournalOp[]);
        } catch {
          // Only the record being written when the process died can be torn; it was
          // never acknowledged, so dropping it loses nothing that was promised.
          if (i < lines.length - 1 && lines.slice(i + 1).some((l) => l.length > 0)) {
            throw new Error(`emulator: corrupt journal record at line ${i + 1} of ${logPath}`);
          }
        }
      }
    }
    load(snap, records);
    const fd = fs.openSync(logPath, 'a');
    const j = new Journal(dir, fd);
    j.bytes = fs.fstatSync(fd).size;
    return j;
  }

  append(ops: JournalOp[]): void {
    if (ops.length === 0) return;
    const line = EJSON.stringify({ o: ops } as any, { relaxed: false }) + '\n';
    const buf = Buffer.from(line, 'utf8');
    let off = 0;
    while (off < buf.length) off += fs.writeSync(this.fd, buf, off, buf.length - off);
    fs.fsyncSync(this.fd);
    this.bytes += buf.length;
  }

  shouldCompact(): boolean {
    return this.bytes > COMPACT_BYTES;
  }

  /** Writes a full snapshot and empties the journal; safe to interrupt at any point. */
  compact(snap: SnapshotData): void {
    const snapPath = path.join(this.dir, 'snapshot.json');
    const tmp = snapPath + '.tmp';
    const fd = fs.openSync(tmp, 'w');
    fs.writeSync(fd, EJSON.stringify(snap as any, { relaxed: false }));
    fs.fsyncSync(fd);
    fs.closeSync(fd);
    fs.renameSync(tmp, snapPath);
    fsyncDir(this.dir);
    // Replaying records already in the snapshot is harmless (they are whole-document
    // puts and deletes), so a crash between rename and truncate loses nothing.
    fs.ftruncateSync(this.fd, 0);
    fs.fsyncSync(this.fd);
    this.bytes = 0;
  }

  close(): void {
    try {
      fs.closeSync(this.fd);
    } catch {
      /* already closed */
    }
  }
}

function fsyncDir(dir: string): void {
  try {
    const fd = fs.openSync(dir, 'r');
    fs.fsyncSync(fd);
    fs.closeSync(fd);
  } catch {
    /* not supported on every platform; rename is still atomic */
  }
}
