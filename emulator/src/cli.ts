/**
 * `npm run emulator -- --functions DIR [--data DIR] [--port N] [--strict]`: serves any
 * CloudBase functions folder locally, ours or anyone else's.
 */
import * as fs from 'fs';
import * as path from 'path';
import { Emulator, loadIndexFile } from './emulator';
import { startGateway } from './gateway';

interface Args {
  functions?: string;
  data: string;
  port: number;
  host: string;
  strict: boolean;
  indexes?: string;
  seed?: string;
  reset: boolean;
  preview?: string;
  timers: boolean;
  env: string;
}

const USAGE = `Usage: npm run emulator -- --functions DIR [options]

  --functions DIR   folder with one sub-folder per cloud function (required)
  --data DIR        durable data folder (default .cloudbase-local)
  --port N          gateway port (default $PORT or 3000; 0 = any free port)
  --host H          listen address (default 127.0.0.1, loopback only)
  --strict          refuse queries that no declared index serves
  --indexes FILE    declared indexes (database/indexes.json format)
  --seed FILE       insert demo documents that are missing (idempotent), and the files of
                    the storage/ folder beside FILE that storage lacks
  --reset           wipe the data folder first
  --env ID          environment id reported by getWXContext().ENV (default local)
  --no-timers       do not run timer triggers on schedule
  --preview DIR     serve the built browser preview (build/preview) at /preview/
`;

function parse(argv: string[]): Args {
  const a: Args = {
    data: '.cloudbase-local',
    port: process.env.PORT ? Number(process.env.PORT) : 3000,
    host: '127.0.0.1',
    strict: false,
    reset: false,
    timers: true,
    env: 'local',
  };
  for (let i = 0; i < argv.length; i++) {
    const k = argv[i];
    const v = () => {
      const val = argv[++i];
      if (val === undefined) fail(`${k} needs a value`);
      return val;
    };
    switch (k) {
      case '--functions':
        a.functions = v();
        break;
      case '--data':
        a.data = v();
        break;
      case '--port':
        a.port = Number(v());
        break;
      case '--host':
        a.host = v();
        break;
      case '--preview':
        a.preview = v();
        break;
      case '--strict':
        a.strict = true;
        break;
      case '--indexes':
        a.indexes = v();
        break;
      case '--seed':
        a.seed = v();
        break;
      case '--reset':
        a.reset = true;
        break;
      case '--env':
        a.env = v();
        break;
      case '--no-timers':
        a.timers = false;
        break;
      case '-h':
      case '--help':
        process.stdout.write(USAGE);
        process.exit(0);
        break;
      default:
        fail(`unknown option ${k}`);
    }
  }
  if (!a.functions) fail('--functions DIR is required');
  if (!Number.isInteger(a.port) || a.port < 0 || a.port > 65535) fail('--port must be 0-65535');
  return a;
}

function fail(msg: string): never {
  process.stderr.write(`emulator: ${msg}\n\n${USAGE}`);
  process.exit(2);
}

async function main(): Promise<void> {
  const args = parse(process.argv.slice(2));
  const functionsDir = path.resolve(args.functions!);
  if (!fs.existsSync(functionsDir)) fail(`functions folder not found: ${functionsDir}`);
  const dataDir = path.resolve(args.data);
  if (args.reset) fs.rmSync(dataDir, { recursive: true, force: true });
  const indexes = args.indexes ? loadIndexFile(args.indexes) : undefined;
  const log = (line: string) => console.log(`[${new Date().toISOString()}] ${line}`);
  const emu = new Emulator({
    functionsDir,
    dataDir,
    strict: args.strict,
    indexes,
    envId: args.env,
    log,
  });
  if (args.seed) {
    const r = emu.seed(Emulator.readSeedFile(args.seed));
    console.log(`seed: ${r.inserted} documents inserted, ${r.skipped} already present`);
    // Files the seed's documents refer to (e.g. a lesson's audio) sit beside it in storage/.
    const files = await emu.seedFiles(path.join(path.dirname(args.seed), 'storage'));
    if (files.added || files.skipped) {
      console.log(`seed: ${files.added} files stored, ${files.skipped} already present`);
    }
  }
  const fns = emu.listFunctions();
  // A cold start up front shows load errors now, but one broken function must not keep
  // the others from being served: it is reported and retried on its next call.
  for (const name of fns) {
    try {
      emu.load(name);
    } catch (e) {
      log(`function ${name} failed to load: ${(e as Error)?.stack ?? e}`);
    }
  }
  const gw = await startGateway(emu, {
    port: args.port,
    host: args.host,
    log,
    previewDir: args.preview ? path.resolve(args.preview) : undefined,
  });
  if (args.timers) {
    emu.startTimers((fn, trigger, r) =>
      console.log(
        `[timer] ${fn}/${trigger}: ${r.error ? r.error.errMsg : 'ok'} (${r.durationMs}ms)`,
      ),
    );
  }
  console.log(
    `CloudBase emulator ready (${args.strict ? 'strict' : 'lenient'} mode, env "${args.env}")`,
  );
  console.log(`  functions: ${fns.join(', ') || '(none)'} from ${functionsDir}`);
  console.log(`  data:      ${dataDir}`);
  console.log(`  gateway:   ${gw.url}`);
  if (args.preview) {
    const built = fs.existsSync(path.join(args.preview, 'index.html'));
    console.log(
      `  preview:   ${gw.url}/preview/${built ? '' : '  (not built: run npm run build)'}`,
    );
  }
  console.log(
    `  call:      curl -X POST ${gw.url}/functions/<name> -H 'X-WX-OPENID: <openid>' -d '{"action":"..."}'`,
  );
  if (args.seed) printIdentities(Emulator.readSeedFile(args.seed));
  let closing = false;
  const shutdown = async () => {
    if (closing) return;
    closing = true;
    await gw.close();
    emu.close();
    process.exit(0);
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
}

/** Who to be, read from the seed itself so the banner never drifts from the data. */
function printIdentities(seed: Record<string, Record<string, unknown>[]>): void {
  const users = (seed.users ?? []).filter(
    (u) => typeof u._id === 'string' && u._id.startsWith('demo-'),
  );
  if (!users.length) return;
  const orgName = new Map((seed.organizations ?? []).map((o) => [o._id, String(o.name ?? o._id)]));
  console.log('  demo identities (send as X-WX-OPENID):');
  for (const u of users) {
    const roles = (seed.memberships ?? [])
      .filter((m) => m.openid === u._id && (m.status ?? 'active') === 'active')
      .map((m) => `${orgName.get(m.orgId) ?? String(m.orgId)} (${String(m.role)})`);
    console.log(
      `    ${String(u._id).padEnd(18)} ${String(u.nickname ?? '')}  ${roles.join(', ') || '(no branch)'}`,
    );
  }
}

main().catch((e) => {
  console.error(`emulator: ${e?.stack ?? e}`);
  process.exit(1);
});
