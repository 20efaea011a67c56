/** Committee admin pages: appoint a new branch's secretary, edit a branch, and the tree's admin actions. */
import type { CommitteeMemberItem, TreeResponse } from '../../typings/api';
import { callsOf, emit, err, offline, ok, stubBackend } from './helpers/backend';
import { loadPage, prepare, tap, waitFor, type LoadedPage } from './helpers/load';
import { restoreWx, stubWx, useEnvVersion, useFontScale, useStorage } from './helpers/wx';

const APPOINT = 'packages/committee/appoint-secretary/index';
const EDIT = 'packages/committee/edit-branch/index';
const TREE = 'pages/tree/index';
const CREATE = 'packages/committee/create-branch/index';

const tree = (canManage = true): TreeResponse => ({
  canManage,
  root: {
    id: 'c1',
    name: '幸福社区党委',
    type: 'committee',
    gridArea: null,
    memberCount: null,
    children: [
      {
        id: 'b1',
        name: '幸福社区第一党支部',
        type: 'branch',
        gridArea: '一网格',
        memberCount: 16,
        hasSecretary: true,
        children: [],
      },
      {
        id: 'b9',
        name: '幸福社区第三党支部',
        type: 'branch',
        gridArea: '三网格',
        memberCount: 0,
        hasSecretary: false,
        children: [],
      },
    ],
  },
});

const person = (openid: string, name: string, extra: Partial<CommitteeMemberItem> = {}) => ({
  openid,
  name,
  branchId: 'b1',
  branchName: '幸福社区第一党支部',
  role: 'member' as const,
  phoneMasked: '138****1008',
  ...extra,
});

let opened: LoadedPage | null = null;
function open(route: string, query: Record<string, string> = {}): LoadedPage {
  opened = loadPage(route, query);
  return opened;
}
const $ = (page: LoadedPage, sel: string) => page.page.querySelector(sel);
const stateOf = (page: LoadedPage) => $(page, '#state')!;

beforeAll(() => {
  for (const r of [APPOINT, EDIT, TREE, CREATE]) prepare(r);
}, 120_000);
beforeEach(() => {
  useEnvVersion('develop');
  useStorage();
  useFontScale(1);
});
afterEach(() => {
  opened?.detach();
  opened = null;
  restoreWx();
});

describe('指定支部书记', () => {
  test('search → pick → confirm sends appointSecretary with that openid; nothing before confirm', async () => {
    const calls = stubBackend({
      'branch.tree': () => ok(tree()),
      'branch.searchCommitteeMembers': () =>
        ok({
          items: [
            person('o-li', '李秀英'),
            person('o-li2', '李强', { branchId: 'b2', branchName: '幸福社区第二党支部' }),
          ],
          nextCursor: null,
        }),
      'branch.appointSecretary': (d, _c, nth) =>
        nth === 0 ? offline : ok({ branchId: d.branchId, secretaryOpenid: d.openid, moved: true }),
    });
    const page = open(APPOINT, { committeeId: 'c1', branchId: 'b9' });
    await waitFor(() => expect($(page, '#search')).toBeTruthy());
    // One call on open; the new branch is chosen, branches with a secretary are not offered.
    expect(calls.map((c) => c.action)).toEqual(['tree']);
    expect(page.instance.data.branchId).toBe('b9');
    expect(page.instance.data.options).toEqual([
      { value: 'b9', label: '幸福社区第三党支部（三网格）' },
    ]);

    emit($(page, '#search'), 'change', { value: '李' });
    emit($(page, '#search'), 'submit', { value: '李' });
    await waitFor(() => expect($(page, '#person-o-li2')).toBeTruthy());
    expect(callsOf(calls, 'branch.searchCommitteeMembers')[0].data).toEqual({
      committeeId: 'c1',
      keyword: '李',
    });
    expect($(page, '#person-o-li2')!.dom!.textContent).toContain('幸福社区第二党支部');
    expect($(page, '#person-o-li2')!.dom!.textContent).toContain('138****1008');

    tap($(page, '#person-o-li2'));
    await waitFor(() => expect(page.instance.data.picked?.openid).toBe('o-li2'));
    tap($(page, '#next'));
    await waitFor(() => expect($(page, '#confirm')).toBeTruthy());
    expect($(page, '#confirm-text')!.dom!.textContent).toContain('李强');
    expect($(page, '#confirm-move')!.dom!.textContent).toContain('组织关系');
    expect(callsOf(calls, 'branch.appointSecretary')).toHaveLength(0);

    // 返回修改 sends nothing and keeps the choice.
    tap($(page, '#cancel'));
    await waitFor(() => expect($(page, '#next')).toBeTruthy());
    expect(callsOf(calls, 'branch.appointSecretary')).toHaveLength(0);
    tap($(page, '#next'));
    await waitFor(() => expect($(page, '#confirm-send')).toBeTruthy());

    tap($(page, '#confirm-send'));
    await waitFor(() => expect($(page, '#action-error')).toBeTruthy());
    tap($(page, '#confirm-send'));
    await waitFor(() => expect($(page, '#done')).toBeTruthy());
    const sent = callsOf(calls, 'branch.appointSecretary');
    expect(sent).toHaveLength(2);
    expect(sent[1].data).toEqual({ branchId: 'b9', openid: 'o-li2' });
    expect(sent[0].requestId).toMatch(/^[A-Za-z0-9_-]{8,64}$/);
    expect(sent[1].requestId).toBe(sent[0].requestId);
  });

  test('needs a branch and a person; a sitting secretary cannot be picked; CONFLICT stays on the step', async () => {
    const calls = stubBackend({
      'branch.tree': () => ok(tree()),
      'branch.searchCommitteeMembers': (d) =>
        ok({
          items: [
            person('o-sec', '王建国', { role: 'secretary' }),
            person('o-wang', '王芳', { branchId: 'b9', branchName: '幸福社区第三党支部' }),
          ],
          nextCursor: d.cursor ? null : 'next-1',
        }),
      'branch.appointSecretary': () => err('CONFLICT', '该支部已有书记，请由现任书记移交'),
    });
    const page = open(APPOINT, { committeeId: 'c1' });
    await waitFor(() => expect($(page, '#next')).toBeTruthy());
    tap($(page, '#next'));
    await waitFor(() => expect($(page, '#choice-error')).toBeTruthy());
    expect($(page, '#pick-error')!.dom!.textContent).toContain('请查找并选择一位党员');

    emit($(page, '#branch-group'), 'change', { value: 'b9' });
    emit($(page, '#search'), 'submit', { value: '王' });
    await waitFor(() => expect($(page, '#person-o-sec')).toBeTruthy());
    tap($(page, '#person-o-sec'));
    await waitFor(() => expect($(page, '#pick-error')!.dom!.textContent).toContain('移交'));
    expect(page.instance.data.picked).toBeNull();

    // 加载更多 passes the cursor back.
    tap($(page, '#more'));
    await waitFor(() => expect(callsOf(calls, 'branch.searchCommitteeMembers')).toHaveLength(2));
    expect(callsOf(calls, 'branch.searchCommitteeMembers')[1].data.cursor).toBe('next-1');

    tap($(page, '#person-o-wang'));
    tap($(page, '#next'));
    await waitFor(() => expect($(page, '#confirm')).toBeTruthy());
    expect($(page, '#confirm-move')).toBeFalsy();
    tap($(page, '#confirm-send'));
    await waitFor(() => expect($(page, '#action-error')!.dom!.textContent).toContain('已有书记'));
    expect(callsOf(calls, 'branch.appointSecretary')[0].data).toEqual({
      branchId: 'b9',
      openid: 'o-wang',
    });
  });

  test('a search error retries through the state view; a load error retries the tree', async () => {
    const calls = stubBackend({
      'branch.tree': (_d, _c, nth) => (nth === 0 ? err('INTERNAL', '服务开小差了') : ok(tree())),
      'branch.searchCommitteeMembers': (_d, _c, nth) =>
        nth === 0 ? err('INTERNAL', '查询失败') : ok({ items: [], nextCursor: null }),
    });
    const page = open(APPOINT, { committeeId: 'c1' });
    await waitFor(() => expect(page.text()).toContain('服务开小差了'));
    tap(stateOf(page).querySelector('#retry'));
    await waitFor(() => expect($(page, '#search')).toBeTruthy());
    emit($(page, '#search'), 'submit', { value: '赵' });
    await waitFor(() => expect(page.text()).toContain('查询失败'));
    tap($(page, '#search-state')!.querySelector('#retry'));
    await waitFor(() => expect(page.text()).toContain('没有找到姓名含“赵”的党员'));
    expect(callsOf(calls, 'branch.searchCommitteeMembers')).toHaveLength(2);
  });

  test('a branch that already has a secretary says so', async () => {
    stubBackend({ 'branch.tree': () => ok(tree()) });
    const page = open(APPOINT, { committeeId: 'c1', branchId: 'b1' });
    await waitFor(() => expect(stateOf(page).querySelector('#state-empty')).toBeTruthy());
    expect(page.text()).toContain('该支部已有书记');
  });
});

describe('编辑支部', () => {
  test('prefills; a server field error lands under that field; sends only what changed', async () => {
    const calls = stubBackend({
      'branch.tree': () => ok(tree()),
      'branch.updateBranch': (d, _c, nth) =>
        nth === 0
          ? err('INVALID_ARGUMENT', '参数「gridArea」有误：网格名称最多 50 个字', {
              fields: ['gridArea'],
            })
          : nth === 1
            ? err('CONFLICT', '本党委已有同名支部')
            : ok(d),
    });
    const page = open(EDIT, { committeeId: 'c1', branchId: 'b9' });
    await waitFor(() => expect($(page, '#name')).toBeTruthy());
    expect(calls.map((c) => c.action)).toEqual(['tree']);
    expect(page.instance.data.name).toBe('幸福社区第三党支部');
    expect(page.instance.data.gridArea).toBe('三网格');

    tap($(page, '#submit'));
    await waitFor(() => expect($(page, '#form-error')).toBeTruthy());
    expect(callsOf(calls, 'branch.updateBranch')).toHaveLength(0);

    emit($(page, '#gridArea'), 'change', { value: '第三网格（13–18 栋）' });
    tap($(page, '#submit'));
    await waitFor(() =>
      expect($(page, '#gridArea')!.instance.data.tips).toBe(
        '参数「gridArea」有误：网格名称最多 50 个字',
      ),
    );
    expect($(page, '#name')!.instance.data.tips).toBeFalsy();
    expect(callsOf(calls, 'branch.updateBranch')[0].data).toEqual({
      branchId: 'b9',
      gridArea: '第三网格（13–18 栋）',
    });

    emit($(page, '#name'), 'change', { value: '幸福社区第一党支部' });
    tap($(page, '#submit'));
    await waitFor(() => expect($(page, '#name')!.instance.data.tips).toBe('本党委已有同名支部'));

    emit($(page, '#name'), 'change', { value: '幸福社区新三支部' });
    tap($(page, '#submit'));
    await waitFor(() => expect($(page, '#saved')).toBeTruthy());
    const sent = callsOf(calls, 'branch.updateBranch');
    expect(sent[2].data).toEqual({
      branchId: 'b9',
      name: '幸福社区新三支部',
      gridArea: '第三网格（13–18 栋）',
    });
    expect(sent[2].requestId).not.toBe(sent[1].requestId);
  });

  test('a failed save is retried with the same requestId; a local check stops a short name', async () => {
    const calls = stubBackend({
      'branch.tree': () => ok(tree()),
      'branch.updateBranch': (d, _c, nth) => (nth === 0 ? offline : ok(d)),
    });
    const page = open(EDIT, { committeeId: 'c1', branchId: 'b9' });
    await waitFor(() => expect($(page, '#name')).toBeTruthy());
    emit($(page, '#name'), 'change', { value: '三' });
    tap($(page, '#submit'));
    await waitFor(() => expect($(page, '#name')!.instance.data.tips).toContain('2–30'));
    emit($(page, '#name'), 'change', { value: '第三支部' });
    tap($(page, '#submit'));
    await waitFor(() => expect($(page, '#form-error')).toBeTruthy());
    tap($(page, '#submit'));
    await waitFor(() => expect($(page, '#saved')).toBeTruthy());
    const sent = callsOf(calls, 'branch.updateBranch');
    expect(sent).toHaveLength(2);
    expect(sent[1].requestId).toBe(sent[0].requestId);
  });
});

describe('组织架构 for committee admins', () => {
  test('admins get 编辑 on branches and 指定书记 on a branch without a secretary', async () => {
    stubBackend({ 'branch.tree': () => ok(tree()) });
    const navigate = stubWx('navigateTo', jest.fn());
    const page = open(TREE, { committeeId: 'c1' });
    await waitFor(() => expect($(page, '#edit-b1')).toBeTruthy());
    expect($(page, '#appoint-b1')).toBeFalsy();
    expect($(page, '#no-secretary-b9')).toBeTruthy();
    tap($(page, '#appoint-b9'));
    await waitFor(() =>
      expect(navigate).toHaveBeenCalledWith({
        url: '/packages/committee/appoint-secretary/index?branchId=b9&committeeId=c1',
      }),
    );
    tap($(page, '#edit-b1'));
    await waitFor(() =>
      expect(navigate).toHaveBeenCalledWith({
        url: '/packages/committee/edit-branch/index?branchId=b1&committeeId=c1',
      }),
    );
  });

  test('coming back from an admin page reloads the tree; members see no admin actions', async () => {
    const calls = stubBackend({
      'branch.tree': (_d, _c, nth) => ok(tree(nth === 0)),
    });
    stubWx('navigateTo', jest.fn());
    const page = open(TREE, { committeeId: 'c1' });
    await waitFor(() => expect($(page, '#appoint-b9')).toBeTruthy());
    page.instance.onShow();
    expect(callsOf(calls, 'branch.tree')).toHaveLength(1);
    tap($(page, '#appoint-b9'));
    await waitFor(() => expect(page.instance.data.canManage).toBe(true));
    await new Promise((r) => setTimeout(r, 30));
    page.instance.onShow();
    await waitFor(() => expect(callsOf(calls, 'branch.tree')).toHaveLength(2));
    await waitFor(() => expect($(page, '#edit-b1')).toBeFalsy());
    expect($(page, '#no-secretary-b9')).toBeTruthy();
  });
});

test('新建支部 done → 指定书记 opens the appointment for the new branch', async () => {
  stubBackend({
    'branch.tree': () => ok(tree()),
    'branch.createBranch': (d) =>
      ok({
        branchId: 'b9',
        committeeId: d.committeeId,
        name: d.name,
        gridArea: d.gridArea,
        hasSecretary: false,
      }),
  });
  const navigate = stubWx('navigateTo', jest.fn());
  const page = open(CREATE, { committeeId: 'c1' });
  await waitFor(() => expect($(page, '#name')).toBeTruthy());
  emit($(page, '#name'), 'change', { value: '幸福社区第三党支部' });
  emit($(page, '#gridArea'), 'change', { value: '三网格' });
  tap($(page, '#submit'));
  await waitFor(() => expect($(page, '#go-appoint')).toBeTruthy());
  tap($(page, '#go-appoint'));
  await waitFor(() =>
    expect(navigate).toHaveBeenCalledWith({
      url: '/packages/committee/appoint-secretary/index?committeeId=c1&branchId=b9',
    }),
  );
});

describe('党总支 (general branches)', () => {
  /** 党委 → 第一党总支 (→ 第四党支部 → 党小组) and 第一党支部 directly under the committee. */
  const nested = (canManage = true): TreeResponse => ({
    canManage,
    root: {
      id: 'c1',
      name: '幸福社区党委',
      type: 'committee',
      gridArea: null,
      memberCount: null,
      children: [
        {
          id: 'b1',
          name: '幸福社区第一党支部',
          type: 'branch',
          gridArea: '一网格',
          memberCount: 16,
          hasSecretary: true,
          children: [],
        },
        {
          id: 'gb1',
          name: '幸福社区第一党总支',
          type: 'generalBranch',
          gridArea: '东片区',
          memberCount: null,
          children: [
            {
              id: 'b4',
              name: '幸福社区第四党支部',
              type: 'branch',
              gridArea: '四网格',
              memberCount: 9,
              hasSecretary: false,
              children: [
                {
                  id: 'g4',
                  name: '第四党小组',
                  type: 'group',
                  gridArea: null,
                  memberCount: 5,
                  children: [],
                },
              ],
            },
          ],
        },
      ],
    },
  });
  const created = (d: any, id = 'b9') =>
    ok({
      branchId: id,
      committeeId: d.committeeId,
      name: d.name,
      gridArea: d.gridArea,
      hasSecretary: false,
      kind: d.kind ?? 'branch',
      parentId: d.parentId ?? d.committeeId,
    });

  async function fill(page: LoadedPage, name: string, gridArea = '五网格'): Promise<void> {
    await waitFor(() => expect($(page, '#name')).toBeTruthy());
    emit($(page, '#name'), 'change', { value: name });
    emit($(page, '#gridArea'), 'change', { value: gridArea });
  }

  test('a 支部 under a chosen 党总支 sends kind and parentId; a failed try keeps its requestId, a new parent gets a new one', async () => {
    const calls = stubBackend({
      'branch.tree': () => ok(nested()),
      'branch.createBranch': (d, _c, nth) => (nth < 2 ? offline : created(d)),
    });
    const page = open(CREATE, { committeeId: 'c1' });
    await fill(page, '幸福社区第五党支部');
    expect(calls.map((c) => c.action)).toEqual(['tree']);
    expect($(page, '#parent')!.instance.data.options).toEqual([
      { value: '', label: '直属党委' },
      { value: 'gb1', label: '幸福社区第一党总支' },
    ]);
    expect($(page, '#parent')!.instance.data.value).toBe('');
    emit($(page, '#parent'), 'change', { value: 'gb1' });
    tap($(page, '#submit'));
    await waitFor(() => expect($(page, '#form-error')).toBeTruthy());
    tap($(page, '#submit'));
    await waitFor(() => expect(callsOf(calls, 'branch.createBranch')).toHaveLength(2));
    await waitFor(() => expect(page.instance.data.submitting).toBe(false));
    // Changing the parent is a new intent.
    emit($(page, '#parent'), 'change', { value: '' });
    emit($(page, '#parent'), 'change', { value: 'gb1' });
    tap($(page, '#submit'));
    await waitFor(() => expect($(page, '#done')).toBeTruthy());
    const sent = callsOf(calls, 'branch.createBranch');
    expect(sent[0].data).toEqual({
      committeeId: 'c1',
      name: '幸福社区第五党支部',
      gridArea: '五网格',
      kind: 'branch',
      parentId: 'gb1',
    });
    expect(sent[1].requestId).toBe(sent[0].requestId);
    expect(sent[2].requestId).not.toBe(sent[0].requestId);
    expect(sent[2].data.parentId).toBe('gb1');
    expect($(page, '#done-parent')!.dom!.textContent).toContain('幸福社区第一党总支');
    expect($(page, '#go-appoint')).toBeTruthy();
  });

  test('a 党总支 sends kind generalBranch without a parent; then 在此总支下新建支部 puts a branch under it', async () => {
    const calls = stubBackend({
      'branch.tree': () => ok(nested()),
      'branch.createBranch': (d, _c, nth) => created(d, nth === 0 ? 'gb2' : 'b10'),
    });
    const page = open(CREATE, { committeeId: 'c1' });
    await waitFor(() => expect($(page, '#kind')).toBeTruthy());
    emit($(page, '#parent'), 'change', { value: 'gb1' });
    emit($(page, '#kind'), 'change', { value: 'generalBranch' });
    await waitFor(() => expect($(page, '#parent')).toBeFalsy());
    expect($(page, '#name')!.instance.data.label).toBe('总支名称');
    await fill(page, '幸福社区第二党总支', '西片区');
    tap($(page, '#submit'));
    await waitFor(() => expect($(page, '#done-general')).toBeTruthy());
    expect($(page, '#go-appoint')).toBeFalsy();
    expect(callsOf(calls, 'branch.createBranch')[0].data).toEqual({
      committeeId: 'c1',
      name: '幸福社区第二党总支',
      gridArea: '西片区',
      kind: 'generalBranch',
    });

    tap($(page, '#branch-under'));
    await waitFor(() => expect($(page, '#parent')).toBeTruthy());
    expect($(page, '#parent')!.instance.data.value).toBe('gb2');
    expect($(page, '#kind')!.instance.data.value).toBe('branch');
    await fill(page, '幸福社区第六党支部');
    tap($(page, '#submit'));
    await waitFor(() => expect($(page, '#go-appoint')).toBeTruthy());
    const second = callsOf(calls, 'branch.createBranch')[1];
    expect(second.data).toMatchObject({ kind: 'branch', parentId: 'gb2' });
    expect(second.requestId).not.toBe(callsOf(calls, 'branch.createBranch')[0].requestId);
    expect(callsOf(calls, 'branch.tree')).toHaveLength(1);
  });

  test('?parentId= preselects the 党总支; NOT_FOUND and INVALID_ARGUMENT land under the parent choice', async () => {
    const calls = stubBackend({
      'branch.tree': () => ok(nested()),
      'branch.createBranch': (_d, _c, nth) =>
        nth === 0
          ? err('NOT_FOUND', '没有找到这个党总支')
          : err('INVALID_ARGUMENT', '上级组织不正确', { fields: ['parentId'] }),
    });
    const page = open(CREATE, { committeeId: 'c1', parentId: 'gb1' });
    await fill(page, '幸福社区第五党支部');
    expect($(page, '#parent')!.instance.data.value).toBe('gb1');
    tap($(page, '#submit'));
    await waitFor(() => expect($(page, '#parentId-error')).toBeTruthy());
    expect($(page, '#parentId-error')!.dom!.textContent).toContain('没有找到这个党总支');
    expect($(page, '#form-error')).toBeFalsy();
    tap($(page, '#submit'));
    await waitFor(() =>
      expect($(page, '#parentId-error')!.dom!.textContent).toContain('上级组织不正确'),
    );
    expect(callsOf(calls, 'branch.createBranch')[0].data.parentId).toBe('gb1');
    // Choosing again clears the message.
    emit($(page, '#parent'), 'change', { value: '' });
    await waitFor(() => expect($(page, '#parentId-error')).toBeFalsy());
  });

  test('the form waits for the tree; a load error retries through the state view', async () => {
    const calls = stubBackend({
      'branch.tree': (_d, _c, nth) => (nth === 0 ? err('INTERNAL', '服务开小差了') : ok(nested())),
    });
    const page = open(CREATE, { committeeId: 'c1' });
    await waitFor(() => expect(stateOf(page).querySelector('#retry')).toBeTruthy());
    expect($(page, '#name')).toBeFalsy();
    expect(page.text()).toContain('服务开小差了');
    tap(stateOf(page).querySelector('#retry'));
    await waitFor(() => expect($(page, '#parent')).toBeTruthy());
    expect(callsOf(calls, 'branch.tree')).toHaveLength(2);
    expect(calls[0].data).toEqual({ committeeId: 'c1' });
  });

  test('the tree nests branches under their 党总支, and admins act on it', async () => {
    stubBackend({ 'branch.tree': () => ok(nested()) });
    const navigate = stubWx('navigateTo', jest.fn());
    const page = open(TREE, { committeeId: 'c1' });
    await waitFor(() => expect($(page, '#node-gb1')).toBeTruthy());
    const ids = page.instance.data.rows.map((r: any) => `${r.id}:${r.depth}`);
    expect(ids).toEqual(['c1:0', 'b1:1', 'gb1:1', 'b4:2', 'g4:3']);
    const gb = $(page, '#node-gb1')!.dom!;
    expect(gb.className).toContain('depth-1');
    expect(gb.textContent).toContain('党总支');
    expect(gb.textContent).toContain('下设 1 个支部');
    expect(gb.textContent).toContain('东片区');
    expect($(page, '#no-secretary-gb1')).toBeFalsy();
    expect($(page, '#appoint-gb1')).toBeFalsy();
    const b4 = $(page, '#node-b4')!.dom!;
    expect(b4.className).toContain('depth-2');
    expect(b4.className).toContain('node--nested');
    expect($(page, '#node-g4')!.dom!.className).toContain('depth-3');
    expect($(page, '#appoint-b4')).toBeTruthy();

    tap($(page, '#create-under-gb1'));
    await waitFor(() =>
      expect(navigate).toHaveBeenCalledWith({
        url: '/packages/committee/create-branch/index?committeeId=c1&parentId=gb1',
      }),
    );
    tap($(page, '#edit-gb1'));
    await waitFor(() =>
      expect(navigate).toHaveBeenCalledWith({
        url: '/packages/committee/edit-branch/index?branchId=gb1&committeeId=c1',
      }),
    );
    tap($(page, '#create'));
    await waitFor(() =>
      expect(navigate).toHaveBeenCalledWith({
        url: '/packages/committee/create-branch/index?committeeId=c1',
      }),
    );
  });

  test('members see the nesting without admin actions', async () => {
    stubBackend({ 'branch.tree': () => ok(nested(false)) });
    const page = open(TREE, { committeeId: 'c1' });
    await waitFor(() => expect($(page, '#node-b4')).toBeTruthy());
    expect($(page, '#create')).toBeFalsy();
    expect($(page, '#create-under-gb1')).toBeFalsy();
    expect($(page, '#edit-gb1')).toBeFalsy();
  });

  test('编辑 a 党总支 prefills it and sends updateBranch', async () => {
    const calls = stubBackend({
      'branch.tree': () => ok(nested()),
      'branch.updateBranch': (d) => ok({ branchId: d.branchId, name: d.name }),
    });
    const page = open(EDIT, { branchId: 'gb1', committeeId: 'c1' });
    await waitFor(() => expect($(page, '#name')).toBeTruthy());
    expect($(page, '#name')!.instance.data.label).toBe('总支名称');
    expect($(page, '#name')!.instance.data.value).toBe('幸福社区第一党总支');
    emit($(page, '#name'), 'change', { value: '幸福社区东片党总支' });
    tap($(page, '#submit'));
    await waitFor(() => expect(callsOf(calls, 'branch.updateBranch')).toHaveLength(1));
    expect(callsOf(calls, 'branch.updateBranch')[0].data).toEqual({
      branchId: 'gb1',
      name: '幸福社区东片党总支',
    });
  });
});
