/**
 * How functions meet the SDK: through @cloudbase/node-sdk directly, and through their
 * own installed copy of wx-server-sdk (as "云端安装依赖" leaves it in each function folder).
 */
import * as fs from 'fs';
import * as path from 'path';
import { createTestEmulator } from '../helpers/emulator';

const ROOT = path.resolve(__dirname, '../..');
const FIXTURES = path.join(ROOT, 'test/fixtures/functions');

test('a function using @cloudbase/node-sdk directly is served by the emulator', async () => {
  const emu = await createTestEmulator({ functionsDir: FIXTURES, strict: false, indexes: {} });
  try {
    const r = await emu.call('nodesdk', { text: '学习笔记' }, { openid: 'o-node' });
    expect(r.error).toBeUndefined();
    expect(r.result).toEqual({
      id: expect.stringMatching(/^[0-9a-f]{32}$/),
      text: '学习笔记',
      openid: 'o-node',
    });
    expect(r.dbRequests).toBe(2);
  } finally {
    await emu.close();
  }
});

describe('a function folder with its own copy of the SDK', () => {
  // Inside the repository so the copies' own dependencies (axios, bson …) still resolve.
  const base = path.join(ROOT, 'test/.tmp/own-sdk');
  const fnDir = path.join(base, 'fns', 'own');
  beforeAll(() => {
    fs.rmSync(base, { recursive: true, force: true });
    for (const pkg of ['wx-server-sdk', '@cloudbase/node-sdk', '@cloudbase/database']) {
      fs.cpSync(path.join(ROOT, 'node_modules', pkg), path.join(fnDir, 'node_modules', pkg), {
        recursive: true,
      });
    }
    fs.writeFileSync(
      path.join(fnDir, 'index.js'),
      `const cloud = require('wx-server-sdk')
cloud.init()
const db = cloud.database()
exports.main = async () => {
  const r = await db.collection('own').add({ data: { ok: true } })
  const got = await db.collection('own').doc(r._id).get()
  return { ok: got.data.ok, sdk: require.resolve('wx-server-sdk'), db: require.resolve('@cloudbase/database', { paths: [require.resolve('@cloudbase/node-sdk', { paths: [require.resolve('wx-server-sdk')] })] }), openid: cloud.getWXContext().OPENID }
}
`,
    );
  });
  afterAll(() => fs.rmSync(path.join(ROOT, 'test/.tmp'), { recursive: true, force: true }));

  test('its own copies are the ones patched and used', async () => {
    const emu = await createTestEmulator({
      functionsDir: path.dirname(fnDir),
      strict: false,
      indexes: {},
    });
    try {
      const r = await emu.call('own', {}, { openid: 'o-own' });
      expect(r.error).toBeUndefined();
      const res = r.result as any;
      // Unpatched, the copy would send its requests to the real CloudBase over the network.
      expect(res.ok).toBe(true);
      expect(res.openid).toBe('o-own');
      expect(res.sdk.startsWith(path.join(fnDir, 'node_modules'))).toBe(true);
      expect(res.db.startsWith(path.join(fnDir, 'node_modules'))).toBe(true);
    } finally {
      await emu.close();
    }
  });
});
