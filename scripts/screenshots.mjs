#!/usr/bin/env node
/* global document, window, getComputedStyle, location, localStorage */
/**
 * `npm run screenshots`: every page of miniprogram/app.json (main package and subpackages),
 * as each demo role that can open it, in the browser preview against the local emulator
 * with the demo data. Saves the phone only (375×812 at 2×) to
 * artifacts/screenshots/<route with / → _>__<openid>.png and a gallery at
 * artifacts/screenshots/index.html.
 *
 * Fails (exit 1, listing them) when a page reports `__preview.errors`, logs a console error,
 * uses a `wx` API the preview lacks, renders nothing or its error state, is wider than the
 * phone, or breaks a
 * budget of ARCHITECTURE.md §6 (1000 WXML nodes, 64 KB first setData).
 *
 *   node scripts/screenshots.mjs [--only <route substring>]
 *
 * Needs Chromium (`bash scripts/ensure-chromium.sh`; CHROMIUM_PATH overrides).
 */
import { spawnSync, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { startEmulatorProcess } from './lib/emulator-process.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const outDir = path.join(root, 'artifacts', 'screenshots');
const PHONE_WIDTH = 375;
/**
 * ARCHITECTURE.md §6: under 1000 WXML nodes per page; the first render's data under 64 KB,
 * held here for every setData of the page as well.
 */
const MAX_WXML_NODES = 1000;
const MAX_SET_DATA = 64 * 1024;

const argv = process.argv.slice(2);
const onlyAt = argv.indexOf('--only');
const only = onlyAt >= 0 ? argv[onlyAt + 1] : undefined;

function chromiumPath() {
  const fromEnv = process.env.CHROMIUM_PATH;
  const executable = (f) => {
    try {
      fs.accessSync(f, fs.constants.X_OK);
      return fs.statSync(f).isFile();
    } catch {
      return false;
    }
  };
  if (fromEnv) {
    if (executable(fromEnv)) return fromEnv;
    fatal(`CHROMIUM_PATH=${fromEnv} is not executable`);
  }
  if (executable('/usr/bin/chromium')) return '/usr/bin/chromium';
  try {
    const found = execFileSync('sh', ['-c', 'command -v chromium'], { encoding: 'utf8' }).trim();
    if (found) return found;
  } catch {
    // not on the PATH
  }
  fatal('Chromium is not installed. Run `bash scripts/ensure-chromium.sh`.');
}

function fatal(message) {
  console.error(`screenshots: ${message}`);
  process.exit(1);
}

// ------------------------------------------------------------------ build and emulator

function buildAll() {
  const r = spawnSync(process.execPath, [path.join(root, 'scripts', 'build.mjs')], {
    cwd: root,
    stdio: 'inherit',
  });
  if (r.status !== 0) fatal('the build failed');
  if (!fs.existsSync(path.join(root, 'build', 'preview', 'index.html'))) {
    fatal('the build did not produce build/preview/index.html');
  }
}

function startEmulator() {
  return startEmulatorProcess({
    root,
    buildDir: path.join(root, 'build'),
    seedFile: path.join(root, 'database', 'seed', 'demo.json'),
    indexesFile: path.join(root, 'database', 'indexes.json'),
    dataPrefix: 'wszb-screenshots-',
  });
}

// ------------------------------------------------------------------ what to open, as whom

function allRoutes() {
  const app = JSON.parse(fs.readFileSync(path.join(root, 'miniprogram', 'app.json'), 'utf8'));
  return [
    ...app.pages,
    ...(app.subPackages ?? app.subpackages ?? []).flatMap((p) =>
      p.pages.map((page) => path.posix.join(p.root, page)),
    ),
  ];
}

/** Ids the pages are opened with, read from the running emulator as the UI would get them. */
async function fixtures(emu) {
  const call = (fn, action, data, openid) => emu.call(fn, { action, data }, openid);
  const first = async (openid) =>
    (await call('branch', 'me', {}, openid)).memberships.find((m) => m.status === 'active');
  const memberships = {};
  for (const openid of [
    'demo-member',
    'demo-secretary',
    'demo-deputy',
    'demo-probationary',
    'demo-activist',
    'demo-elder',
  ]) {
    memberships[openid] = await first(openid);
  }
  const member = memberships['demo-member'];
  const secretary = memberships['demo-secretary'];
  const committee = await first('demo-committee');
  const notices = await call(
    'branch',
    'listNotices',
    { branchId: secretary.branchId },
    'demo-secretary',
  );
  if (!notices.items.length) throw new Error('listNotices: the demo branch has no notices');
  const tree = await call(
    'branch',
    'tree',
    { committeeId: committee.committeeId },
    'demo-committee',
  );
  const nodes = [];
  const walk = (n) => {
    nodes.push(n);
    for (const c of n.children ?? []) walk(c);
  };
  walk(tree.root);
  const branchNode = nodes.find((n) => n.id === secretary.branchId);
  const group = (branchNode?.children ?? []).find((n) => n.type === 'group');
  const withoutSecretary = nodes.find((n) => n.type === 'branch' && n.hasSecretary === false);
  const members = await call(
    'branch',
    'listMembers',
    { branchId: secretary.branchId },
    'demo-secretary',
  );
  const other = members.items.find((m) => m.openid === 'demo-member') ?? members.items[0];
  const lessons = await call('lesson', 'list', { branchId: secretary.branchId }, 'demo-member');
  const quizLesson = lessons.items.find((l) => l.questionCount > 0);
  if (!quizLesson) throw new Error('lesson.list: the demo branch has no lesson with a quiz');
  const topics = await call(
    'lesson',
    'listTopics',
    { branchId: secretary.branchId },
    'demo-secretary',
  );
  // The seeded activities (database/seed/demo.json, dates relative to the seeding): each
  // read once as the secretary so a missing one fails here, by name, not as a blank page.
  const activities = {};
  for (const [key, id] of Object.entries(ACTIVITY_IDS)) {
    const got = await call('activity', 'get', { activityId: id }, 'demo-secretary');
    activities[key] = { ...got, activityId: got.activityId ?? id };
  }
  const liaison = await liaisonFixtures(call);
  return {
    activities,
    liaison,
    member,
    memberships,
    lesson: lessons.items[0],
    quizLesson,
    topic: topics.items.find((t) => t.status === 'open') ?? topics.items[0],
    secretary,
    committee,
    notice: notices.items[0],
    group,
    withoutSecretary,
    other,
  };
}

/**
 * Seeded central households (issue #7, database/seed/demo.json): 李秀英's (demo-member) with 6
 * linked residents, 陈桂兰 (demo-resident) bound to res-b1-01 with an open request.
 */
const LIAISON_IDS = {
  household: 'hh9c7a90fecf2fd066d101587710b928',
  // 何永福's (demo-elder): 3 residents, below the norm.
  elderHousehold: 'hh266b3cda23cbcbd5660aa9a667e80b',
  resident: 'res-b1-01',
  openRequest: 'req-demo-open',
  acceptedRequest: 'req-demo-accepted',
  closedRequest: 'req-demo-closed',
};

/** Each seeded liaison id read once as the UI would, so a missing one fails here by name. */
async function liaisonFixtures(call) {
  const L = LIAISON_IDS;
  const residents = await call(
    'liaison',
    'listResidents',
    { householdId: L.household },
    'demo-member',
  );
  if (!residents.household) throw new Error(`liaison.listResidents: no household ${L.household}`);
  if (!residents.items.some((r) => r.residentId === L.resident)) {
    throw new Error(`liaison.listResidents: ${L.household} has no resident ${L.resident}`);
  }
  for (const id of [L.openRequest, L.acceptedRequest, L.closedRequest]) {
    await call('liaison', 'getRequest', { requestId: id }, 'demo-member');
  }
  const households = await call(
    'liaison',
    'listHouseholds',
    { branchId: residents.household.branchId },
    'demo-secretary',
  );
  for (const id of [L.household, L.elderHousehold]) {
    if (!households.items.some((h) => h.householdId === id)) {
      throw new Error(`liaison.listHouseholds: the branch has no central household ${id}`);
    }
  }
  const mine = await call('liaison', 'myLiaison', {}, 'demo-resident');
  if (!mine.bound || mine.householdId !== L.household) {
    throw new Error(`liaison.myLiaison: demo-resident is not bound to ${L.household}`);
  }
  const newcomer = await call('liaison', 'myLiaison', {}, 'demo-newcomer');
  if (newcomer.bound) throw new Error('liaison.myLiaison: demo-newcomer is already bound');
  return { ...L, branchId: residents.household.branchId, grid: residents.household.grid };
}

/** Seeded activities of 第一支部 the activity pages are opened on. */
const ACTIVITY_IDS = {
  themeDay: 'act-b1-themeday',
  memberMeeting: 'act-b1-member-meeting',
  groupMeeting: 'act-b1-group-meeting',
  lessonPast: 'act-b1-lesson-past',
  // Public, 5 places, 4 confirmed: nearly full.
  volunteerOpen: 'act-b1-volunteer-open',
  // Running now (inside the check-in window), demo-member confirmed.
  volunteerToday: 'act-b1-volunteer-today',
  // Over, hours confirmed for demo-member.
  volunteerPast: 'act-b1-volunteer-past',
};

/**
 * Members as each kind of member sees the branch pages: a full member, the secretary, a
 * probationary member, and 何永福 (demo-elder) with 长辈模式 on — the likeliest to overflow.
 */
const MEMBER_ROLES = ['demo-member', 'demo-secretary', 'demo-probationary', 'demo-elder'];
const EVERYONE = [
  'demo-member',
  'demo-secretary',
  'demo-deputy',
  'demo-probationary',
  'demo-activist',
  'demo-elder',
  'demo-committee',
  'demo-resident',
  'demo-newcomer',
];
/** Callers whose 我的 › 长辈模式 is 'on' (the storage key and value of miniprogram/utils/elderly.ts). */
const ELDERLY = new Set(['demo-elder']);
const ELDERLY_STORAGE_KEY = 'settings.elderlyMode';

/**
 * For every page: `[openids, query(openid)]` (one picture per caller), or `{ shots: [[openid,
 * query, tag?], …] }` where one caller is shown in several states (the tag names the file).
 * A page missing here fails the run.
 */
function plan(f) {
  const branch = (m) => ({ branchId: m.branchId });
  const mine = (openid) =>
    openid === 'demo-committee' ? f.committee : (f.memberships[openid] ?? f.member);
  const s = f.secretary;
  const a = f.activities;
  // The organiser pages take the activity and its branch (pages/activities/detail adminQuery).
  const act = (x) => ({ activityId: x.activityId, branchId: x.branchId ?? s.branchId });
  const L = f.liaison;
  const hh = { householdId: L.household };
  return {
    'pages/index/index': [EVERYONE, () => ({})],
    'pages/join/index': [['demo-newcomer', 'demo-resident', 'demo-member'], () => ({})],
    'pages/notices/index': [
      ['demo-member', 'demo-secretary', 'demo-elder'],
      (o) => ({ ...branch(mine(o)), canPost: o === 'demo-secretary' ? '1' : '' }),
    ],
    'pages/notices/detail': [
      ['demo-member', 'demo-secretary', 'demo-elder'],
      () => ({ id: f.notice.noticeId }),
    ],
    'pages/member-card/index': [MEMBER_ROLES, (o) => branch(mine(o))],
    'pages/directory/index': [MEMBER_ROLES, (o) => branch(mine(o))],
    'pages/mine/index': [EVERYONE, () => ({})],
    'pages/leave/index': [MEMBER_ROLES, (o) => branch(mine(o))],
    'pages/tree/index': [
      ['demo-member', 'demo-committee'],
      (o) => ({ committeeId: mine(o).committeeId }),
    ],
    'pages/report/index': [MEMBER_ROLES, () => ({})],
    'pages/profile-edit/index': [MEMBER_ROLES, (o) => branch(mine(o))],
    'packages/secretary/approvals/index': [['demo-secretary', 'demo-deputy'], () => branch(s)],
    'packages/secretary/compose/index': [['demo-secretary'], () => branch(s)],
    'packages/secretary/invite/index': [
      ['demo-secretary'],
      () => ({ branchId: s.branchId, branchName: s.branchName }),
    ],
    'packages/secretary/reads/index': [['demo-secretary'], () => ({ id: f.notice.noticeId })],
    'packages/secretary/roles/index': [
      ['demo-secretary'],
      () => ({ branchId: s.branchId, committeeId: s.committeeId }),
    ],
    'packages/secretary/groups/index': [
      ['demo-secretary'],
      () => ({ branchId: s.branchId, committeeId: s.committeeId }),
    ],
    'packages/secretary/group-members/index': [
      ['demo-secretary'],
      () => ({ branchId: s.branchId, groupId: f.group?.id ?? '', groupName: f.group?.name ?? '' }),
    ],
    'packages/secretary/transfers/index': [['demo-secretary'], () => branch(s)],
    'packages/secretary/transfer-out/index': [
      ['demo-secretary'],
      () => ({
        branchId: s.branchId,
        committeeId: s.committeeId,
        openid: f.other.openid,
        name: f.other.name ?? f.other.realName ?? '',
      }),
    ],
    'packages/secretary/held/index': [['demo-secretary'], () => branch(s)],
    'packages/secretary/reports/index': [['demo-secretary'], () => branch(s)],
    'pages/lessons/index': [['demo-member', 'demo-secretary', 'demo-elder'], () => ({})],
    'pages/lessons/detail': [['demo-member', 'demo-elder'], () => ({ id: f.quizLesson.lessonId })],
    // 李秀英 has not studied the quiz lesson (the page says to study first); 何永福 has.
    'pages/lessons/quiz': [['demo-member', 'demo-elder'], () => ({ id: f.quizLesson.lessonId })],
    'pages/lessons/reflections': [
      ['demo-member'],
      () => ({ id: f.quizLesson.lessonId, title: f.quizLesson.title }),
    ],
    'pages/lessons/topics': [['demo-member', 'demo-secretary'], (o) => branch(mine(o))],
    'pages/points/index': [['demo-member', 'demo-elder'], () => ({})],
    'packages/lesson-admin/compose/index': [['demo-secretary', 'demo-propaganda'], () => branch(s)],
    'packages/lesson-admin/stats/index': [
      ['demo-secretary'],
      () => ({ id: f.quizLesson.lessonId }),
    ],
    'packages/lesson-admin/overview/index': [
      ['demo-secretary', 'demo-propaganda'],
      (o) => ({ ...branch(s), canModerate: o === 'demo-secretary' ? '1' : '' }),
    ],
    'packages/lesson-admin/adopt/index': [
      ['demo-secretary'],
      () => ({
        branchId: s.branchId,
        topicId: f.topic?.topicId ?? '',
        title: f.topic?.title ?? '',
      }),
    ],
    // Activities (issue #6): the tab for everyone, residents included.
    'pages/activities/index': [
      ['demo-member', 'demo-secretary', 'demo-elder', 'demo-resident', 'demo-newcomer'],
      () => ({}),
    ],
    'pages/activities/detail': {
      shots: [
        // Nearly full (4 of 5): 报名.
        ['demo-member', { id: a.volunteerOpen.activityId }],
        // Running, confirmed: 扫码签到.
        ['demo-member', { id: a.volunteerToday.activityId }, 'checkin'],
        // Over, hours confirmed.
        ['demo-member', { id: a.volunteerPast.activityId }, 'hours'],
        // A past 党课 with minutes and attendance.
        ['demo-member', { id: a.lessonPast.activityId }, 'minutes'],
        // 主题党日 in 长辈模式: 参加 / 请假.
        ['demo-elder', { id: a.themeDay.activityId }],
        // A resident on the public activity: 姓名 + 手机号 to sign up.
        ['demo-resident', { id: a.volunteerOpen.activityId }],
        // The organiser on the member meeting: replies, the pending leave, the tools.
        ['demo-secretary', { id: a.memberMeeting.activityId }],
        ['demo-secretary', { id: a.groupMeeting.activityId }, 'group'],
      ],
    },
    'pages/activities/mine': [['demo-member', 'demo-elder', 'demo-resident'], () => ({})],
    'pages/activities/scan': [['demo-member'], () => ({})],
    'pages/activities/record': [['demo-member', 'demo-elder'], () => ({})],
    'pages/activities/certificate': [['demo-member', 'demo-elder'], () => ({})],
    'pages/activities/teams': [['demo-member', 'demo-secretary'], (o) => branch(mine(o))],
    'packages/activity-admin/edit/index': {
      shots: [
        ['demo-secretary', branch(s), 'new'],
        ['demo-secretary', act(a.volunteerOpen)],
      ],
    },
    'packages/activity-admin/signups/index': [['demo-secretary'], () => act(a.volunteerOpen)],
    // Running now: inside the check-in window, so the live code shows.
    'packages/activity-admin/qr/index': [['demo-secretary'], () => act(a.volunteerToday)],
    // The secretary: leave decisions too (the answer's `canModerate`).
    'packages/activity-admin/attendance/index': {
      shots: [
        ['demo-secretary', act(a.memberMeeting)],
        ['demo-secretary', act(a.lessonPast), 'past'],
      ],
    },
    'packages/activity-admin/hours/index': [['demo-secretary'], () => act(a.volunteerPast)],
    'packages/activity-admin/minutes/index': [['demo-secretary'], () => act(a.lessonPast)],
    'packages/activity-admin/export/index': [['demo-secretary'], () => branch(s)],
    'packages/activity-admin/stats/index': [['demo-secretary'], () => branch(s)],
    // The branch's tally; with an activity, the form to record its good deeds.
    'packages/activity-admin/deeds/index': {
      shots: [
        ['demo-secretary', branch(s)],
        ['demo-secretary', act(a.volunteerPast), 'record'],
      ],
    },
    // Central households (issue #7). The 联户 tab is for members: 李秀英 (a central household
    // with open requests), the secretary and the mass-work member (管理), 何永福 (below the
    // norm, 长辈模式). Residents' home is pages/index/index as demo-resident (bound) and
    // demo-newcomer (not bound: 绑定连心卡), both in EVERYONE.
    'pages/liaison/index': [
      ['demo-member', 'demo-secretary', 'demo-masswork', 'demo-elder'],
      () => ({}),
    ],
    'packages/resident/bind/index': {
      shots: [
        ['demo-newcomer', {}],
        // A scanned card (`scene` = the card code): straight to the last four digits.
        ['demo-newcomer', { scene: 'XFLB4E5F' }, 'digits'],
      ],
    },
    'packages/resident/request/index': {
      shots: [
        ['demo-resident', {}],
        ['demo-resident', { category: 'repair' }, 'form'],
      ],
    },
    'packages/resident/requests/index': [['demo-resident'], () => ({})],
    'packages/resident/request-detail/index': {
      shots: [
        ['demo-resident', { id: L.openRequest }],
        ['demo-resident', { id: L.closedRequest }, 'closed'],
      ],
    },
    'packages/resident/my-data/index': [['demo-resident'], () => ({})],
    // Residents are for the linked member and the secretaries (never the mass-work member).
    'packages/liaison/household/index': [['demo-member', 'demo-secretary'], () => hh],
    'packages/liaison/resident-edit/index': {
      shots: [
        ['demo-member', { ...hh, care: '1' }, 'new'],
        ['demo-member', { ...hh, residentId: L.resident }],
      ],
    },
    'packages/liaison/request/index': {
      shots: [
        ['demo-member', { requestId: L.openRequest }],
        ['demo-member', { requestId: L.acceptedRequest }, 'accepted'],
        ['demo-secretary', { requestId: L.closedRequest }, 'closed'],
      ],
    },
    'packages/liaison/visit/index': [['demo-member'], () => hh],
    'packages/liaison/records/index': {
      shots: [
        ['demo-member', hh],
        ['demo-secretary', { ...hh, log: '0' }],
      ],
    },
    'packages/liaison-admin/households/index': [
      ['demo-secretary', 'demo-masswork'],
      () => ({ branchId: L.branchId }),
    ],
    'packages/liaison-admin/designate/index': [
      ['demo-secretary'],
      () => ({ branchId: L.branchId }),
    ],
    'packages/liaison-admin/import/index': {
      shots: [
        ['demo-secretary', hh],
        ['demo-secretary', { branchId: L.branchId }, 'branch'],
      ],
    },
    'packages/liaison-admin/export/index': [
      ['demo-secretary'],
      () => ({ ...hh, branchId: L.branchId, memberName: '李秀英' }),
    ],
    'packages/liaison-admin/cards/index': [
      ['demo-secretary'],
      () => ({ ...hh, branchId: L.branchId, grid: L.grid, memberName: '李秀英' }),
    ],
    // The branch's requests for its secretaries; the committee's (escalated to level 2).
    'packages/liaison-admin/requests/index': {
      shots: [
        ['demo-secretary', { branchId: L.branchId }],
        ['demo-secretary', { branchId: L.branchId, status: 'overdue' }, 'overdue'],
        ['demo-committee', { committeeId: f.committee.committeeId }, 'committee'],
      ],
    },
    // 何永福's household hands its 3 residents on (李秀英's has room).
    'packages/liaison-admin/step-down/index': [
      ['demo-secretary'],
      () => ({ householdId: L.elderHousehold, branchId: L.branchId }),
    ],
    'packages/liaison-admin/dashboard/index': [
      ['demo-secretary', 'demo-masswork', 'demo-committee'],
      () => ({ branchId: L.branchId }),
    ],
    'packages/committee/create-branch/index': [
      ['demo-committee'],
      () => ({ committeeId: f.committee.committeeId }),
    ],
    'packages/committee/appoint-secretary/index': [
      ['demo-committee'],
      () => ({
        committeeId: f.committee.committeeId,
        ...(f.withoutSecretary ? { branchId: f.withoutSecretary.id } : {}),
      }),
    ],
    'packages/committee/edit-branch/index': [
      ['demo-committee'],
      () => ({ branchId: s.branchId, committeeId: f.committee.committeeId }),
    ],
  };
}

// ------------------------------------------------------------------ in the browser

const qs = (query) =>
  Object.entries(query)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`)
    .join('&');

async function settle(page, timeoutMs = 15_000) {
  const deadline = Date.now() + timeoutMs;
  let quiet = 0;
  while (quiet < 2) {
    const last = await page.evaluate(() => {
      const p = window.__preview;
      if (!p) return 'no __preview';
      if (p.pending > 0) return `${p.pending} call(s) in flight`;
      const phone = document.getElementById('phone');
      const loading = Array.from(
        phone?.querySelectorAll('[class*="t-loading"], #state-loading, .wx-refreshing') ?? [],
      ).find(
        (el) => el.getClientRects().length > 0 && getComputedStyle(el).visibility !== 'hidden',
      );
      return loading ? `loading indicator visible (${loading.className || loading.id})` : '';
    });
    quiet = last ? 0 : quiet + 1;
    if (quiet >= 2) return null;
    if (Date.now() > deadline) return `did not settle in ${timeoutMs} ms: ${last}`;
    await page.waitForTimeout(100);
  }
  return null;
}

/** What the open page shows: its text, images, and anything wider than the phone. */
function inspect(phoneWidth) {
  const frames = Array.from(document.querySelectorAll('#pages > *')).filter(
    (f) => !f.hidden && f.getClientRects().length > 0,
  );
  const frame = frames[frames.length - 1];
  const pageRoot = frame?.querySelector('.wx-page') ?? frame;
  const phone = document.getElementById('phone');
  if (!pageRoot || !phone) return { text: '', images: 0, overflow: ['no page frame'], title: '' };
  const visible = (el) => {
    if (el.getClientRects().length === 0) return false;
    const cs = getComputedStyle(el);
    return cs.visibility !== 'hidden' && cs.opacity !== '0';
  };
  const images = Array.from(pageRoot.querySelectorAll('img, svg, canvas, [style*="background"]'))
    .concat(
      Array.from(pageRoot.querySelectorAll('*')).filter(
        (el) => getComputedStyle(el).backgroundImage !== 'none',
      ),
    )
    .filter(visible).length;
  const overflow = [];
  const box = phone.getBoundingClientRect();
  const describe = (el) => {
    const tag = el.tagName.toLowerCase();
    const text = (el.textContent ?? '').trim().slice(0, 30);
    return `<${tag}${el.id ? `#${el.id}` : ''}> "${text}"`;
  };
  if (pageRoot.scrollWidth > phoneWidth + 1) {
    overflow.push(`.wx-page scrollWidth ${pageRoot.scrollWidth} > ${phoneWidth}`);
  }
  const scroller = frame.querySelector('.wx-page-scroller');
  if (scroller && scroller.scrollWidth > scroller.clientWidth + 1) {
    overflow.push(`page scroller scrollWidth ${scroller.scrollWidth} > ${scroller.clientWidth}`);
  }
  const wide = [];
  for (const el of Array.from(phone.querySelectorAll('*'))) {
    if (!visible(el)) continue;
    const r = el.getBoundingClientRect();
    if (r.width > box.width + 1 || r.right > box.right + 1 || r.left < box.left - 1) {
      // Report the innermost culprits only.
      if (!Array.from(el.children).some((c) => c.getBoundingClientRect().right > box.right + 1)) {
        wide.push(
          `${describe(el)} spans ${Math.round(r.left - box.left)}–${Math.round(r.right - box.left)}px`,
        );
      }
    }
  }
  // Content wider than its own box (a long unbreakable line): the innermost such elements.
  if (overflow.length) {
    const spilling = Array.from(pageRoot.querySelectorAll('*')).filter(
      (el) =>
        visible(el) &&
        el.scrollWidth > el.clientWidth + 1 &&
        el.clientWidth > 0 &&
        getComputedStyle(el).overflowX === 'visible',
    );
    for (const el of spilling) {
      if (spilling.some((o) => o !== el && el.contains(o))) continue;
      wide.push(`${describe(el)} content ${el.scrollWidth}px in a ${el.clientWidth}px box`);
    }
  }
  overflow.push(...wide.slice(0, 5));
  if (wide.length > 5) overflow.push(`… and ${wide.length - 5} more`);
  // A page whose call failed shows state-view's error (the gateway answers {ok:false} with
  // HTTP 200, so nothing reaches the console): that is not a picture of the page.
  const error = Array.from(pageRoot.querySelectorAll('#state-error')).find(visible);
  return {
    error: error ? (error.textContent ?? '').trim() || 'error state' : '',
    text: (pageRoot.innerText ?? '').trim(),
    images,
    overflow,
    title: document.getElementById('nav-title')?.textContent ?? '',
    route: location.hash,
  };
}

async function shoot(browser, gateway, route, openid, query, tag = '') {
  const context = await browser.newContext({
    viewport: { width: 1280, height: 900 },
    deviceScaleFactor: 2,
    locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai',
  });
  if (ELDERLY.has(openid)) {
    await context.addInitScript(
      ([key]) => localStorage.setItem(key, JSON.stringify('on')),
      [`wxpreview:${openid}:${ELDERLY_STORAGE_KEY}`],
    );
  }
  const page = await context.newPage();
  const problems = [];
  page.on('console', (msg) => {
    // Chromium's own favicon probe is not a request of the page.
    if (msg.type() === 'error' && !/\/favicon\.ico$/.test(msg.location()?.url ?? '')) {
      problems.push(`console error: ${msg.text()}`);
    }
  });
  page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
  const q = qs(query);
  const url = `${gateway}/preview/?openid=${encodeURIComponent(openid)}#/${route}${q ? `?${q}` : ''}`;
  const file = `${route.replace(/\//g, '_')}__${openid}${tag ? `-${tag}` : ''}.png`;
  let info = { text: '', images: 0, overflow: [], title: '' };
  let metrics = null;
  try {
    await page.goto(url);
    await page.waitForFunction(
      () => window.__preview && (window.__preview.ready || window.__preview.errors.length > 0),
      null,
      { timeout: 20_000 },
    );
    const unsettled = await settle(page);
    if (unsettled) problems.push(unsettled);
    // Let a toast or an animation finish before the picture.
    await page.waitForTimeout(300);
    const st = await page.evaluate(() => ({
      ready: window.__preview.ready,
      errors: [...window.__preview.errors],
      missing: window.__preview.missingWx(),
      metrics: window.__preview.metrics(),
    }));
    metrics = st.metrics;
    if (metrics && metrics.wxmlNodes >= MAX_WXML_NODES) {
      problems.push(`${metrics.wxmlNodes} WXML nodes (budget ${MAX_WXML_NODES})`);
    }
    for (const key of ['initialDataBytes', 'largestSetDataBytes']) {
      if (metrics && metrics[key] >= MAX_SET_DATA) {
        problems.push(`${key} ${metrics[key]} (budget ${MAX_SET_DATA})`);
      }
    }
    if (!st.ready) problems.push('the preview never became ready');
    for (const e of st.errors) problems.push(`__preview.errors: ${e}`);
    for (const m of st.missing) problems.push(`missing wx API: ${m}`);
    info = await page.evaluate(inspect, PHONE_WIDTH);
    if (info.error) problems.push(`shows its error state: ${info.error}`);
    if (!info.text && info.images === 0)
      problems.push('renders nothing (no visible text or image)');
    for (const o of info.overflow) problems.push(`wider than the phone: ${o}`);
    await page.locator('#phone').screenshot({ path: path.join(outDir, file) });
  } catch (e) {
    problems.push(`failed: ${e.message.split('\n')[0]}`);
    await page
      .locator('#phone')
      .screenshot({ path: path.join(outDir, file) })
      .catch(() => undefined);
  } finally {
    await context.close();
  }
  return { route, openid, query: q, file, title: info.title, metrics, problems };
}

// ------------------------------------------------------------------ gallery

const esc = (s) =>
  String(s).replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c],
  );

/** The query as a person reads it (the page gets it encoded, as WeChat passes it on). */
function readable(query) {
  try {
    return decodeURIComponent(query);
  } catch {
    return query;
  }
}

function gallery(shots) {
  const cards = shots
    .map(
      (s) => `    <figure class="${s.problems.length ? 'bad' : ''}">
      <a href="${esc(s.file)}"><img src="${esc(s.file)}" alt="${esc(s.route)} as ${esc(s.openid)}" loading="lazy" width="375" height="812"></a>
      <figcaption>
        <strong>${esc(s.title || s.route)}</strong>
        <code>${esc(s.route)}${s.query ? `?${esc(readable(s.query))}` : ''}</code>
        <span class="role">${esc(s.openid)}</span>
        ${s.metrics ? `<small>${s.metrics.wxmlNodes} WXML nodes · first render ${(s.metrics.initialDataBytes / 1024).toFixed(1)} KB · largest setData ${(s.metrics.largestSetDataBytes / 1024).toFixed(1)} KB</small>` : ''}
        ${s.problems.length ? `<ul>${s.problems.map((p) => `<li>${esc(p)}</li>`).join('')}</ul>` : ''}
      </figcaption>
    </figure>`,
    )
    .join('\n');
  const bad = shots.filter((s) => s.problems.length).length;
  return `<!doctype html>
<html lang="zh-CN">
<head>
  <meta charset="utf-8">
  <title>网上支部 · 页面截图</title>
  <style>
    body { font: 14px/1.5 system-ui, sans-serif; margin: 24px; background: #f5f5f5; color: #222; }
    h1 { font-size: 20px; }
    .grid { display: grid; grid-template-columns: repeat(auto-fill, minmax(260px, 1fr)); gap: 20px; }
    figure { margin: 0; background: #fff; border-radius: 8px; padding: 10px; box-shadow: 0 1px 3px #0002; }
    figure.bad { outline: 3px solid #c8161e; }
    img { width: 100%; height: auto; display: block; border: 1px solid #ddd; }
    figcaption { display: flex; flex-direction: column; gap: 2px; margin-top: 8px; }
    code { font-size: 12px; word-break: break-all; color: #555; }
    .role { color: #c8161e; }
    ul { margin: 4px 0 0; padding-left: 18px; color: #c8161e; font-size: 12px; }
  </style>
</head>
<body>
  <h1>网上支部 · ${shots.length} 张页面截图${bad ? `（${bad} 张有问题）` : ''}</h1>
  <p>generated by <code>npm run screenshots</code> on ${esc(new Date().toISOString())}</p>
  <div class="grid">
${cards}
  </div>
</body>
</html>
`;
}

// ------------------------------------------------------------------ main

async function main() {
  const executablePath = chromiumPath();
  buildAll();
  fs.rmSync(outDir, { recursive: true, force: true });
  fs.mkdirSync(outDir, { recursive: true });
  const emu = await startEmulator();
  let browser;
  const shots = [];
  const failures = [];
  try {
    browser = await chromium.launch({
      executablePath,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-dev-shm-usage',
        '--disable-background-networking',
      ],
    });
    const f = await fixtures(emu);
    const table = plan(f);
    for (const route of allRoutes()) {
      if (only && !route.includes(only)) continue;
      const entry = table[route];
      if (!entry) {
        failures.push(`${route}: not in the screenshot plan (scripts/screenshots.mjs)`);
        continue;
      }
      const planned = Array.isArray(entry)
        ? entry[0].map((openid) => [openid, entry[1](openid), ''])
        : entry.shots;
      for (const [openid, query, tag] of planned) {
        const shot = await shoot(browser, emu.url, route, openid, query, tag);
        shots.push(shot);
        const mark = shot.problems.length ? '✗' : '✓';
        const m = shot.metrics;
        const budget = m
          ? ` (${m.wxmlNodes} nodes, data ${m.initialDataBytes} B, largest setData ${m.largestSetDataBytes} B)`
          : '';
        const as = `${openid}${tag ? ` (${tag})` : ''}`;
        console.log(`${mark} ${route} as ${as}${budget}`);
        for (const p of shot.problems) console.log(`    ${p}`);
        if (shot.problems.length) failures.push(`${route} as ${as}: ${shot.problems.join('; ')}`);
      }
    }
  } finally {
    await browser?.close();
    await emu.stop();
  }
  fs.writeFileSync(path.join(outDir, 'index.html'), gallery(shots));
  console.log(`\n${shots.length} screenshots in ${path.relative(root, outDir)}/ (index.html)`);
  if (failures.length) {
    console.error(`\nscreenshots: ${failures.length} problem(s):`);
    for (const f of failures) console.error(`  - ${f}`);
    process.exit(1);
  }
}

main().catch((e) => {
  console.error(`screenshots: ${e?.stack ?? e}`);
  process.exit(1);
});
