#!/usr/bin/env node
/**
 * Builds what CloudBase deploys and what `npm start` runs.
 *
 *   node scripts/build.mjs                  cloud functions and the emulator
 *   node scripts/build.mjs --emulator-only  the emulator alone
 *   node scripts/build.mjs --functions-only the cloud functions alone
 *   node scripts/build.mjs --preview-only   the browser preview alone (scripts/preview/)
 *
 * A full build makes all three; `npm start` serves build/preview at /preview/.
 *
 * Each cloudfunctions/<fn>/index.ts (common/ excepted) becomes one self-contained
 * build/functions/<fn>/index.js; only wx-server-sdk stays external, installed by CloudBase
 * from the generated package.json ("云端安装依赖"), pinned to the root's exact version.
 */
import { build } from 'esbuild';
import { existsSync } from 'node:fs';
import { copyFile, mkdir, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildPreview } from './preview/build.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const functionsSrc = path.join(root, 'cloudfunctions');
const functionsOut = path.join(root, 'build', 'functions');
const emulatorOut = path.join(root, 'build', 'emulator');

/** Shared code bundled into each function, never deployed on its own. */
const NOT_FUNCTIONS = new Set(['common']);

/**
 * The oldest Node.js CloudBase still offers (16.13); functions created from WeChat DevTools
 * may run on it, so the bundle must not depend on a newer runtime's syntax.
 */
const FUNCTION_TARGET = 'node16';
/** The emulator runs on the developer's machine: package.json engines says >= 20. */
const EMULATOR_TARGET = 'node20';
/** What `npm run emulator` and `npm start` execute. */
const EMULATOR_ENTRIES = [{ name: 'cli', required: true }];

/**
 * Files a function reads at run time, copied next to its bundle (paths from the repository
 * root → inside the function folder). liaison: the CJK font its PDF card sheets embed
 * (cloudfunctions/liaison/cards.ts reads `fonts/` relative to `__dirname`); OFL, 10 MB.
 */
const FUNCTION_ASSETS = {
  liaison: [
    {
      from: 'node_modules/@expo-google-fonts/noto-sans-sc/400Regular/NotoSansSC_400Regular.ttf',
      to: 'fonts/NotoSansSC_400Regular.ttf',
    },
  ],
};

/** CloudBase: a-z A-Z 0-9 - _, starting with a letter, at most 60 characters. */
const TRIGGER_NAME = /^[A-Za-z][A-Za-z0-9_-]{0,59}$/;

const args = new Set(process.argv.slice(2));
const ONLY = ['--emulator-only', '--functions-only', '--preview-only'];
const known = new Set(ONLY);
for (const arg of args) {
  if (!known.has(arg)) fatal(`unknown option ${arg} (expected ${[...known].join(' or ')})`);
}
if (ONLY.filter((o) => args.has(o)).length > 1) {
  fatal(`${ONLY.join(', ')} exclude each other`);
}
const only = ONLY.find((o) => args.has(o));

function fatal(message) {
  console.error(`build: ${message}`);
  process.exit(1);
}

class BuildError extends Error {}

const rel = (file) => path.relative(root, file) || '.';

function formatSize(bytes) {
  return bytes >= 1024 * 1024
    ? `${(bytes / 1024 / 1024).toFixed(2)} MB`
    : `${(bytes / 1024).toFixed(1)} kB`;
}

async function readJson(file) {
  try {
    return JSON.parse(await readFile(file, 'utf8'));
  } catch (err) {
    throw new BuildError(`${rel(file)}: ${err.message}`);
  }
}

async function sdkVersion() {
  const pkg = await readJson(path.join(root, 'package.json'));
  const version = pkg.dependencies?.['wx-server-sdk'];
  // A range would let CloudBase install a different SDK than the one the tests ran against.
  if (typeof version !== 'string' || !/^\d+\.\d+\.\d+$/.test(version)) {
    throw new BuildError(
      `package.json must pin wx-server-sdk to an exact version (found ${JSON.stringify(version)})`,
    );
  }
  return version;
}

async function listFunctions() {
  const entries = await readdir(functionsSrc, { withFileTypes: true });
  const names = entries
    .filter((e) => e.isDirectory() && !NOT_FUNCTIONS.has(e.name) && !e.name.startsWith('.'))
    .map((e) => e.name)
    .sort();
  for (const name of names) {
    if (!existsSync(path.join(functionsSrc, name, 'index.ts'))) {
      throw new BuildError(`cloudfunctions/${name}/ has no index.ts`);
    }
  }
  return names;
}

/**
 * Checks config.json against what CloudBase accepts, so a typo fails here rather than at
 * upload time (or, worse, silently drops a timer).
 */
async function readFunctionConfig(name) {
  const file = path.join(functionsSrc, name, 'config.json');
  if (!existsSync(file)) return { permissions: { openapi: [] } };
  const config = await readJson(file);
  const where = `cloudfunctions/${name}/config.json`;
  const openapi = config.permissions?.openapi;
  if (
    openapi !== undefined &&
    !(Array.isArray(openapi) && openapi.every((p) => typeof p === 'string'))
  ) {
    throw new BuildError(`${where}: permissions.openapi must be an array of API names`);
  }
  if (config.triggers !== undefined) {
    if (!Array.isArray(config.triggers))
      throw new BuildError(`${where}: triggers must be an array`);
    // WeChat DevTools uploads at most one trigger per function.
    if (config.triggers.length > 1) throw new BuildError(`${where}: at most one trigger`);
    for (const t of config.triggers) {
      if (typeof t.name !== 'string' || !TRIGGER_NAME.test(t.name)) {
        throw new BuildError(`${where}: trigger name ${JSON.stringify(t.name)} is not allowed`);
      }
      if (t.type !== 'timer') throw new BuildError(`${where}: trigger type must be "timer"`);
      if (typeof t.config !== 'string' || t.config.trim().split(/\s+/).length !== 7) {
        throw new BuildError(
          `${where}: trigger ${t.name} needs a 7-field cron (sec min hour day month weekday year)`,
        );
      }
    }
  }
  return config;
}

async function buildFunction(name, version) {
  const outDir = path.join(functionsOut, name);
  const config = await readFunctionConfig(name);
  const result = await build({
    entryPoints: [path.join(functionsSrc, name, 'index.ts')],
    outfile: path.join(outDir, 'index.js'),
    bundle: true,
    platform: 'node',
    target: FUNCTION_TARGET,
    format: 'cjs',
    // The SDK must be the one CloudBase installs: it reads the runtime's credentials.
    external: ['wx-server-sdk'],
    // Not minified: a stack trace in the CloudBase log should point at readable code.
    minify: false,
    legalComments: 'none',
    logLevel: 'silent',
    metafile: true,
  });
  await writeFile(
    path.join(outDir, 'package.json'),
    `${JSON.stringify(
      {
        name,
        version: '1.0.0',
        private: true,
        main: 'index.js',
        dependencies: { 'wx-server-sdk': version },
      },
      null,
      2,
    )}\n`,
  );
  await writeFile(path.join(outDir, 'config.json'), `${JSON.stringify(config, null, 2)}\n`);
  let bytes = Object.values(result.metafile.outputs).reduce((sum, o) => sum + o.bytes, 0);
  let assetBytes = 0;
  for (const asset of FUNCTION_ASSETS[name] ?? []) {
    const from = path.join(root, asset.from);
    if (!existsSync(from)) throw new BuildError(`${asset.from} not found (npm install?)`);
    const to = path.join(outDir, asset.to);
    await mkdir(path.dirname(to), { recursive: true });
    await copyFile(from, to);
    assetBytes += (await stat(to)).size;
  }
  bytes += assetBytes;
  return { name, bytes, assetBytes, warnings: result.warnings };
}

/** `tcb fn deploy --all` deploys only what cloudbaserc.json lists; say so before it bites. */
async function checkDeployConfig(names) {
  const file = path.join(root, 'cloudbaserc.json');
  if (!existsSync(file)) return;
  const rc = await readJson(file);
  const listed = new Set((rc.functions ?? []).map((f) => f.name));
  for (const name of names) {
    if (!listed.has(name))
      console.warn(`  warning   cloudfunctions/${name} is not listed in cloudbaserc.json`);
  }
}

async function buildFunctions() {
  const version = await sdkVersion();
  const names = await listFunctions();
  await checkDeployConfig(names);
  // A function removed from the source must not linger and be deployed by `--all`.
  await rm(functionsOut, { recursive: true, force: true });
  await mkdir(functionsOut, { recursive: true });
  const results = await Promise.all(names.map((name) => buildFunction(name, version)));
  for (const r of results) {
    const assets = r.assetBytes ? ` (files ${formatSize(r.assetBytes)})` : '';
    console.log(`  function  ${r.name.padEnd(16)} ${formatSize(r.bytes).padStart(9)}${assets}`);
  }
  return results.flatMap((r) => r.warnings);
}

async function buildEmulator() {
  const entries = [];
  for (const { name, required } of EMULATOR_ENTRIES) {
    const file = path.join(root, 'emulator', 'src', `${name}.ts`);
    if (existsSync(file)) entries.push({ name, file });
    else if (required) console.warn(`  warning   ${rel(file)} not found; emulator not built`);
  }
  if (entries.length === 0) return [];
  await mkdir(emulatorOut, { recursive: true });
  const result = await build({
    entryPoints: Object.fromEntries(entries.map((e) => [e.name, e.file])),
    outdir: emulatorOut,
    bundle: true,
    platform: 'node',
    target: EMULATOR_TARGET,
    format: 'cjs',
    // Resolved from node_modules at run time: functions must load the real wx-server-sdk,
    // and one shared copy of it, not a duplicate baked into the emulator.
    packages: 'external',
    sourcemap: true,
    logLevel: 'silent',
    metafile: true,
  });
  for (const [file, out] of Object.entries(result.metafile.outputs)) {
    if (file.endsWith('.js')) {
      console.log(
        `  emulator  ${path.basename(file).padEnd(16)} ${formatSize(out.bytes).padStart(9)}`,
      );
    }
  }
  return result.warnings;
}

function printMessages(kind, messages) {
  for (const m of messages) {
    const at = m.location ? `${m.location.file}:${m.location.line}:${m.location.column}: ` : '';
    console.error(`  ${kind}: ${at}${m.text}`);
  }
}

async function main() {
  const started = Date.now();
  const warnings = [];
  if (!only || only === '--functions-only') warnings.push(...(await buildFunctions()));
  if (!only || only === '--emulator-only') warnings.push(...(await buildEmulator()));
  if (!only || only === '--preview-only') await buildPreview(root);
  printMessages('warning', warnings);
  console.log(`build: done in ${Date.now() - started} ms`);
}

main().catch((err) => {
  if (err instanceof BuildError) {
    console.error(`build: ${err.message}`);
  } else if (Array.isArray(err?.errors) && err.errors.length > 0) {
    // esbuild's failure: show each error with its source location, not a stack trace.
    printMessages('error', err.errors);
    console.error(`build: failed with ${err.errors.length} error(s)`);
  } else {
    console.error(err);
  }
  process.exit(1);
});
