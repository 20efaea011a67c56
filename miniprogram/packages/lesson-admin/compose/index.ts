/**
 * 发布微党课 / 编辑微党课 (secretary, deputy, propaganda committee). `?branchId=` writes a new
 * lesson, `?lessonId=` edits one. One call on open: `lesson.composeOptions` (party groups and
 * the form limits) for a new lesson, `lesson.get` (its `editable` content, answers included,
 * and the groups) for an edit.
 *
 * The form: title, summary, cover (upload), estimated minutes (1–15, estimated from the text
 * until changed), the body as blocks (paragraph with a bold switch, sub-heading, list one item
 * a line with a numbered switch, picture with a caption) that are added, edited one at a time,
 * moved up / down and removed; optional audio or video (upload or a fileID); audience (the
 * whole branch or chosen party groups); up to 10 questions (single / multiple choice, 2–6
 * options, the right answer(s), explanation), edited one at a time; then 立即发布 / 定时发布
 * (an inline picker, 5 minutes to 60 days ahead) / 只存草稿. The client never sends HTML: the
 * blocks go as the contract's safe structure (typings/lesson.ts `LessonBlock`).
 *
 * Checks mirror the server's and are said under the field, block or question; the server's
 * INVALID_ARGUMENT is put under the field its `details.fields` names (`body.3…` → block 4,
 * `quiz.1…` → question 2), CONTENT_RISKY above the button with what to do. Saving is `create`
 * (publish / publishAt) or, for an edit, `update` then `publish` when a draft goes out; each
 * carries a requestId kept while the form is unchanged, so a retry never makes two lessons.
 * Outcomes: published → 查看学习情况; held → waits for the secretary; scheduled → when; a
 * draft stays on the form, now editing the saved lesson.
 */
import type {
  LessonBlock,
  LessonContentInput,
  LessonEditable,
  LessonInline,
  LessonLimits,
  LessonStatus,
  LessonWriteResponse,
  PartyGroupOption,
  QuizQuestionInput,
  Result,
} from '../../../../typings/api';
import { call } from '../../../services/call';
import { isElderlyMode } from '../../../utils/elderly';
import { formatDate } from '../../../utils/format';
import { Intents } from '../../../utils/intents';
import { letter, plainMessage } from '../../../utils/lesson';
import { ROUTES, dataset, decodeQuery, replace } from '../../../utils/nav';
import { pageState, toast } from '../../../utils/page';
import { isUserCancel } from '../../../utils/privacy';
import { canUploadFiles, chooseFailMessage, uploadFile } from '../../../utils/upload';

type Status = 'loading' | 'error' | 'ready';
type BlockType = LessonBlock['type'];
type Mode = 'now' | 'schedule' | 'draft';
type MediaKind = 'none' | 'audio' | 'video';

/** The server's limits (typings/lesson.ts `LessonLimits`); `composeOptions` overrides them. */
export const DEFAULT_LIMITS: LessonLimits = {
  titleMax: 40,
  summaryMax: 120,
  blocksMax: 60,
  textMax: 6000,
  minutesMax: 15,
  questionsMax: 10,
  optionsMin: 2,
  optionsMax: 6,
  optionMax: 60,
  questionMax: 200,
  explanationMax: 300,
  reflectionMax: 300,
  topicTitleMax: 40,
  topicDetailMax: 200,
};
/** Characters in one text run (the contract's `LessonInline.text`). */
const RUN_MAX = 500;
/** Items in one list block. */
const LIST_MAX = 20;
/** Reading speed for the minutes estimate (characters a minute), as the server's. */
const CHARS_PER_MINUTE = 400;
const LEAD_MIN_MS = 5 * 60_000;
const LEAD_MAX_MS = 60 * 86_400_000;

const TYPE_TEXT: Record<BlockType, string> = {
  p: '段落',
  h: '小标题',
  ul: '列表',
  ol: '列表',
  img: '图片',
};

interface BlockRow {
  key: string;
  type: BlockType;
  typeText: string;
  text: string;
  bold: boolean;
  level: 3 | 4;
  fileID: string;
  preview: string;
  alt: string;
  excerpt: string;
  error: string;
}

interface QuestionRow {
  key: string;
  no: number;
  questionId: string;
  text: string;
  kind: 'single' | 'multiple';
  options: string[];
  answer: number[];
  /** Radio value of a single-choice answer (-1: none). */
  single: number;
  answerOptions: { label: string; value: number }[];
  /** A, B, C … one per option. */
  letters: string[];
  explanation: string;
  error: string;
  summary: string;
}

type FieldKey =
  'title' | 'summary' | 'minutes' | 'cover' | 'body' | 'media' | 'audience' | 'quiz' | 'publishAt';
type Errors = Partial<Record<FieldKey, string>>;

const pad = (n: number) => String(n).padStart(2, '0');
/** `YYYY-MM-DD HH:mm` in the phone's time zone, as the picker shows it. */
function pickerText(d: Date): string {
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}`;
}
function parsePicker(v: string): Date | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2})/.exec(v);
  if (!m) return null;
  const d = new Date(+m[1], +m[2] - 1, +m[3], +m[4], +m[5]);
  return Number.isNaN(d.getTime()) ? null : d;
}

function excerptOf(b: Pick<BlockRow, 'type' | 'text' | 'alt' | 'fileID'>): string {
  if (b.type === 'img') return b.fileID ? b.alt || '已上传图片' : '（还没有图片）';
  const t = b.text.replace(/\s+/g, ' ').trim();
  return t ? (t.length > 40 ? `${t.slice(0, 40)}…` : t) : '（空）';
}

function answerOptionsOf(options: string[]) {
  return options.map((o, i) => ({ label: `${letter(i)}. ${o.trim() || '（未填）'}`, value: i }));
}

function summaryOf(q: Pick<QuestionRow, 'text' | 'kind' | 'options'>): string {
  const t = q.text.trim() || '（未填题目）';
  return `${q.kind === 'multiple' ? '多选' : '单选'} · ${q.options.length} 个选项 · ${t.length > 24 ? `${t.slice(0, 24)}…` : t}`;
}

/** Runs of at most 500 characters. */
function runsOf(text: string, bold: boolean): LessonInline[] {
  const out: LessonInline[] = [];
  for (let i = 0; i < text.length; i += RUN_MAX) {
    const run: LessonInline = { text: text.slice(i, i + RUN_MAX) };
    if (bold) run.bold = true;
    out.push(run);
  }
  return out;
}

const lines = (text: string) =>
  text
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);

function textLength(blocks: BlockRow[]): number {
  return blocks.reduce(
    (n, b) => n + (b.type === 'img' ? b.alt.trim().length : b.text.replace(/\s/g, '').length),
    0,
  );
}

interface PageState {
  intents: Intents;
  seq: number;
  busy: boolean;
  /** Runs of a loaded paragraph, sent back unchanged (mixed bold kept) while its text is. */
  runs: Map<string, { text: string; bold: boolean; runs: LessonInline[] }>;
  minutesTouched: boolean;
}
const st = pageState<PageState>(() => ({
  intents: new Intents(),
  seq: 0,
  busy: false,
  runs: new Map(),
  minutesTouched: false,
}));

function newBlock(page: object, type: BlockType): BlockRow {
  const s = st(page);
  const b: BlockRow = {
    key: `b${++s.seq}`,
    type,
    typeText: TYPE_TEXT[type],
    text: '',
    bold: false,
    level: 3,
    fileID: '',
    preview: '',
    alt: '',
    excerpt: '',
    error: '',
  };
  b.excerpt = excerptOf(b);
  return b;
}

function newQuestion(page: object, q?: QuizQuestionInput): QuestionRow {
  const s = st(page);
  const options = q ? [...q.options] : ['', ''];
  const kind = q?.kind ?? 'single';
  const answer = q ? [...q.answer] : [];
  const row: QuestionRow = {
    key: `q${++s.seq}`,
    no: 0,
    questionId: q?.questionId ?? '',
    text: q?.text ?? '',
    kind,
    options,
    answer,
    single: kind === 'single' && answer.length ? answer[0] : -1,
    answerOptions: answerOptionsOf(options),
    letters: options.map((_, i) => letter(i)),
    explanation: q?.explanation ?? '',
    error: '',
    summary: '',
  };
  row.summary = summaryOf(row);
  return row;
}

const MEDIA_OPTIONS = [
  { label: '无', value: 'none' },
  { label: '音频', value: 'audio' },
  { label: '视频', value: 'video' },
];
const KIND_OPTIONS = [
  { label: '单选', value: 'single' },
  { label: '多选', value: 'multiple' },
];
const MODE_OPTIONS = [
  { label: '立即发布', value: 'now' },
  { label: '定时发布', value: 'schedule' },
  { label: '只存草稿', value: 'draft' },
];
/** 指定党小组 only when the branch has groups. */
const audienceOptions = (hasGroups: boolean) => [
  { label: '全体党员', value: 'branch' },
  ...(hasGroups ? [{ label: '指定党小组', value: 'groups' }] : []),
];

const renumber = (qs: QuestionRow[]) => qs.map((q, i) => ({ ...q, no: i + 1 }));

Component({
  data: {
    status: 'loading' as Status,
    errorMessage: '',
    elderly: false,
    canUpload: false,
    branchId: '',
    branchName: '',
    lessonId: '',
    lessonStatus: '' as '' | LessonStatus,
    limits: DEFAULT_LIMITS,
    title: '',
    summary: '',
    minutes: 5,
    coverFileID: '',
    coverPreview: '',
    blocks: [] as BlockRow[],
    editing: '',
    mediaKind: 'none' as MediaKind,
    mediaFileID: '',
    audienceKind: 'branch' as 'branch' | 'groups',
    groupIds: [] as string[],
    groupOptions: [] as { label: string; value: string }[],
    audienceOptions: audienceOptions(false),
    mediaOptions: MEDIA_OPTIONS,
    kindOptions: KIND_OPTIONS,
    modeOptions: MODE_OPTIONS,
    questions: [] as QuestionRow[],
    openQuestion: '',
    mode: 'now' as Mode,
    /** Published or held lessons are saved as they are (no publishing choice). */
    canChooseMode: true,
    publishAt: '',
    pickerStart: 0,
    pickerEnd: 0,
    errors: {} as Errors,
    formError: '',
    formNote: '',
    submitting: false,
    uploading: '',
    result: '' as '' | 'published' | 'held' | 'scheduled',
    resultLessonId: '',
    resultText: '',
  },

  methods: {
    onLoad(query: Record<string, string | undefined>) {
      const options = decodeQuery(query);
      this.setData({
        elderly: isElderlyMode(),
        canUpload: canUploadFiles(),
        branchId: options.branchId ?? '',
        lessonId: options.lessonId ?? '',
      });
      void this.load();
    },

    async load() {
      const s = st(this);
      if (s.busy) return;
      s.busy = true;
      this.setData({ status: 'loading', errorMessage: '' });
      if (this.data.lessonId) {
        const res = await call('lesson', 'get', { lessonId: this.data.lessonId });
        s.busy = false;
        if (!res.ok) {
          this.setData({ status: 'error', errorMessage: res.error.message });
          return;
        }
        const d = res.data;
        if (!d.editable) {
          this.setData({
            status: 'error',
            errorMessage: '只有支部书记、副书记和宣传委员可以编辑微党课',
          });
          return;
        }
        try {
          wx.setNavigationBarTitle({ title: '编辑微党课' });
        } catch {
          // Title stays.
        }
        this.fill(d.editable, d.status, d.branchId, d.cover ?? '', d.publishAt);
        return;
      }
      const res = await call('lesson', 'composeOptions', { branchId: this.data.branchId });
      s.busy = false;
      if (!res.ok) {
        this.setData({ status: 'error', errorMessage: res.error.message });
        return;
      }
      const first = newBlock(this, 'p');
      this.setData({
        status: 'ready',
        branchName: res.data.branchName,
        limits: res.data.limits ?? DEFAULT_LIMITS,
        groupOptions: this.groupOptions(res.data.groups),
        audienceOptions: audienceOptions(res.data.groups.length > 0),
        blocks: [first],
        editing: first.key,
        ...this.pickerRange(),
      });
    },

    onRetry() {
      void this.load();
    },

    groupOptions(groups: PartyGroupOption[]) {
      return groups.map((g) => ({ label: g.name, value: g.groupId }));
    },
    pickerRange() {
      const now = Date.now();
      return { pickerStart: now + 2 * LEAD_MIN_MS, pickerEnd: now + LEAD_MAX_MS - 3_600_000 };
    },

    /** An existing lesson into the form. */
    fill(
      e: LessonEditable,
      status: LessonStatus,
      branchId: string,
      coverUrl: string,
      publishAt: string | null,
    ) {
      const s = st(this);
      s.minutesTouched = true;
      const blocks = e.body.map((b): BlockRow => {
        const row = newBlock(this, b.type);
        if (b.type === 'p') {
          row.text = b.runs.map((r) => r.text).join('');
          row.bold = b.runs.every((r) => r.bold);
          s.runs.set(row.key, { text: row.text, bold: row.bold, runs: b.runs });
        } else if (b.type === 'h') {
          row.text = b.text;
          row.level = b.level === 4 ? 4 : 3;
        } else if (b.type === 'img') {
          row.fileID = b.fileID;
          row.preview = b.fileID;
          row.alt = b.alt ?? '';
        } else {
          row.text = b.items.map((runs) => runs.map((r) => r.text).join('')).join('\n');
        }
        row.excerpt = excerptOf(row);
        return row;
      });
      const scheduled = status === 'scheduled' && publishAt ? new Date(publishAt) : null;
      this.setData({
        status: 'ready',
        branchId,
        lessonStatus: status,
        title: e.title,
        summary: e.summary ?? '',
        minutes: e.minutes ?? 5,
        coverFileID: e.coverFileID ?? '',
        coverPreview: e.coverFileID ? coverUrl || e.coverFileID : '',
        blocks,
        editing: '',
        mediaKind: e.media ? e.media.kind : 'none',
        mediaFileID: e.media?.fileID ?? '',
        audienceKind: e.audience.kind,
        groupIds: e.audience.kind === 'groups' ? [...e.audience.groupIds] : [],
        groupOptions: this.groupOptions(e.groups),
        audienceOptions: audienceOptions(e.groups.length > 0 || e.audience.kind === 'groups'),
        questions: renumber(e.quiz.map((q) => newQuestion(this, q))),
        canChooseMode: status === 'draft' || status === 'scheduled',
        mode: status === 'scheduled' ? 'schedule' : status === 'draft' ? 'draft' : 'now',
        publishAt: scheduled ? pickerText(scheduled) : '',
        formNote: e.needsReview ? '上次保存时内容安全检查要求人工复核' : '',
        ...this.pickerRange(),
      });
    },

    /** Any change of what would be sent: a new save intent. */
    changed(patch: Record<string, unknown>) {
      st(this).intents.doneAll();
      this.setData({ ...patch, formError: '', formNote: '' });
    },

    estimate(blocks: BlockRow[]): Record<string, unknown> {
      if (st(this).minutesTouched) return {};
      const n = textLength(blocks) + this.data.questions.length * 60;
      return {
        minutes: Math.min(
          this.data.limits.minutesMax,
          Math.max(1, Math.ceil(n / CHARS_PER_MINUTE)),
        ),
      };
    },

    // ------------------------------------------------------------ basic fields

    onTitle(e: WechatMiniprogram.CustomEvent<{ value: string }>) {
      this.changed({ title: String(e.detail.value ?? ''), 'errors.title': '' });
    },
    onSummary(e: WechatMiniprogram.CustomEvent<{ value: string }>) {
      this.changed({ summary: String(e.detail.value ?? ''), 'errors.summary': '' });
    },
    onMinutes(e: WechatMiniprogram.CustomEvent<{ value: number | string }>) {
      st(this).minutesTouched = true;
      this.changed({ minutes: Number(e.detail.value) || 1, 'errors.minutes': '' });
    },

    // ------------------------------------------------------------ uploads

    /** Pick one image (the cover or a picture block); resolves with its temp path or ''. */
    async pickImage(errorPath: string, again: string): Promise<string> {
      try {
        return await new Promise<string>((resolve, reject) =>
          wx.chooseMedia({
            count: 1,
            mediaType: ['image'],
            sizeType: ['compressed'],
            success: (r) => resolve(r.tempFiles[0]?.tempFilePath ?? ''),
            fail: reject,
          }),
        );
      } catch (err) {
        if (!isUserCancel(err))
          this.setData({ [errorPath]: chooseFailMessage(err, '照片', again) });
        return '';
      }
    },

    async upload(tempPath: string, what: string, errorPath: string): Promise<string> {
      this.setData({ uploading: what, [errorPath]: '' });
      try {
        return await uploadFile(tempPath, 'lessons');
      } catch {
        this.setData({ [errorPath]: '上传失败，请检查网络后重试' });
        return '';
      } finally {
        this.setData({ uploading: '' });
      }
    },

    async onCover() {
      if (this.data.uploading || !this.data.canUpload) return;
      const temp = await this.pickImage('errors.cover', '上传封面');
      if (!temp) return;
      const fileID = await this.upload(temp, 'cover', 'errors.cover');
      if (fileID) this.changed({ coverFileID: fileID, coverPreview: temp, 'errors.cover': '' });
    },
    onCoverRemove() {
      this.changed({ coverFileID: '', coverPreview: '', 'errors.cover': '' });
    },

    async onBlockImage(e: WechatMiniprogram.BaseEvent) {
      const key = dataset(e, 'key');
      if (this.data.uploading || !this.data.canUpload) return;
      const i = this.blockIndex(key);
      if (i < 0) return;
      const temp = await this.pickImage(`blocks[${i}].error`, '上传图片');
      if (!temp) return;
      const fileID = await this.upload(temp, key, `blocks[${i}].error`);
      const at = this.blockIndex(key);
      if (!fileID || at < 0) return;
      const b = { ...this.data.blocks[at], fileID, preview: temp, error: '' };
      b.excerpt = excerptOf(b);
      this.changed({ [`blocks[${at}]`]: b });
    },

    async onMediaUpload() {
      const kind = this.data.mediaKind;
      if (this.data.uploading || !this.data.canUpload || kind === 'none') return;
      let temp: string;
      try {
        temp = await new Promise<string>((resolve, reject) => {
          if (kind === 'video') {
            wx.chooseMedia({
              count: 1,
              mediaType: ['video'],
              success: (r) => resolve(r.tempFiles[0]?.tempFilePath ?? ''),
              fail: reject,
            });
          } else {
            wx.chooseMessageFile({
              count: 1,
              type: 'file',
              extension: ['mp3', 'm4a', 'aac', 'wav'],
              success: (r) => resolve(r.tempFiles[0]?.path ?? ''),
              fail: reject,
            });
          }
        });
      } catch (err) {
        const what = kind === 'video' ? '视频' : '音频文件';
        if (!isUserCancel(err)) {
          this.setData({
            'errors.media': chooseFailMessage(
              err,
              what,
              kind === 'video' ? '上传视频' : '上传音频',
            ),
          });
        }
        return;
      }
      if (!temp) return;
      const fileID = await this.upload(temp, 'media', 'errors.media');
      if (fileID) this.changed({ mediaFileID: fileID, 'errors.media': '' });
    },
    onMediaKind(e: WechatMiniprogram.CustomEvent<{ value: MediaKind }>) {
      const v = e.detail.value;
      const mediaKind: MediaKind = v === 'audio' || v === 'video' ? v : 'none';
      this.changed({
        mediaKind,
        mediaFileID: mediaKind === this.data.mediaKind ? this.data.mediaFileID : '',
        'errors.media': '',
      });
    },
    onMediaFileID(e: WechatMiniprogram.CustomEvent<{ value: string }>) {
      this.changed({ mediaFileID: String(e.detail.value ?? '').trim(), 'errors.media': '' });
    },

    // ------------------------------------------------------------ body blocks

    blockIndex(key: string): number {
      return this.data.blocks.findIndex((b) => b.key === key);
    },

    onAddBlock(e: WechatMiniprogram.BaseEvent) {
      const type = dataset(e, 'type') as BlockType;
      if (!TYPE_TEXT[type]) return;
      if (this.data.blocks.length >= this.data.limits.blocksMax) {
        this.setData({ 'errors.body': `正文最多 ${this.data.limits.blocksMax} 块` });
        return;
      }
      const b = newBlock(this, type);
      this.changed({
        blocks: [...this.data.blocks, b],
        editing: b.key,
        'errors.body': '',
      });
    },
    onEditBlock(e: WechatMiniprogram.BaseEvent) {
      this.setData({ editing: dataset(e, 'key') });
    },
    onBlockDone() {
      this.setData({ editing: '' });
    },
    onBlockRemove(e: WechatMiniprogram.BaseEvent) {
      const key = dataset(e, 'key');
      const blocks = this.data.blocks.filter((b) => b.key !== key);
      st(this).runs.delete(key);
      this.changed({
        blocks,
        editing: this.data.editing === key ? '' : this.data.editing,
        ...this.estimate(blocks),
      });
    },
    moveBlock(key: string, by: -1 | 1) {
      const i = this.blockIndex(key);
      const j = i + by;
      if (i < 0 || j < 0 || j >= this.data.blocks.length) return;
      const blocks = [...this.data.blocks];
      [blocks[i], blocks[j]] = [blocks[j], blocks[i]];
      this.changed({ blocks });
    },
    onBlockUp(e: WechatMiniprogram.BaseEvent) {
      this.moveBlock(dataset(e, 'key'), -1);
    },
    onBlockDown(e: WechatMiniprogram.BaseEvent) {
      this.moveBlock(dataset(e, 'key'), 1);
    },
    patchBlock(key: string, patch: Partial<BlockRow>) {
      const i = this.blockIndex(key);
      if (i < 0) return;
      const b = { ...this.data.blocks[i], ...patch, error: '' };
      b.typeText = TYPE_TEXT[b.type];
      b.excerpt = excerptOf(b);
      const blocks = [...this.data.blocks];
      blocks[i] = b;
      this.changed({ [`blocks[${i}]`]: b, ...this.estimate(blocks), 'errors.body': '' });
    },
    onBlockText(e: WechatMiniprogram.CustomEvent<{ value: string }>) {
      this.patchBlock(dataset(e, 'key'), { text: String(e.detail.value ?? '') });
    },
    onBlockBold(e: WechatMiniprogram.CustomEvent<{ value: boolean }>) {
      this.patchBlock(dataset(e, 'key'), { bold: !!e.detail.value });
    },
    onBlockNumbered(e: WechatMiniprogram.CustomEvent<{ value: boolean }>) {
      this.patchBlock(dataset(e, 'key'), { type: e.detail.value ? 'ol' : 'ul' });
    },
    onBlockAlt(e: WechatMiniprogram.CustomEvent<{ value: string }>) {
      this.patchBlock(dataset(e, 'key'), { alt: String(e.detail.value ?? '') });
    },

    // ------------------------------------------------------------ audience

    onAudience(e: WechatMiniprogram.CustomEvent<{ value: string }>) {
      this.changed({
        audienceKind: e.detail.value === 'groups' ? 'groups' : 'branch',
        'errors.audience': '',
      });
    },
    onGroups(e: WechatMiniprogram.CustomEvent<{ value: string[] }>) {
      this.changed({
        groupIds: (Array.isArray(e.detail.value) ? e.detail.value : []).map(String),
        'errors.audience': '',
      });
    },

    // ------------------------------------------------------------ questions

    questionIndex(key: string): number {
      return this.data.questions.findIndex((q) => q.key === key);
    },
    onAddQuestion() {
      const max = this.data.limits.questionsMax;
      if (this.data.questions.length >= max) {
        this.setData({ 'errors.quiz': `最多 ${max} 道题` });
        return;
      }
      const q = newQuestion(this);
      this.changed({
        questions: renumber([...this.data.questions, q]),
        openQuestion: q.key,
        'errors.quiz': '',
      });
    },
    onEditQuestion(e: WechatMiniprogram.BaseEvent) {
      this.setData({ openQuestion: dataset(e, 'key') });
    },
    onQuestionDone() {
      this.setData({ openQuestion: '' });
    },
    onRemoveQuestion(e: WechatMiniprogram.BaseEvent) {
      const key = dataset(e, 'key');
      this.changed({
        questions: renumber(this.data.questions.filter((q) => q.key !== key)),
        openQuestion: this.data.openQuestion === key ? '' : this.data.openQuestion,
        'errors.quiz': '',
      });
    },
    patchQuestion(key: string, patch: Partial<QuestionRow>) {
      const i = this.questionIndex(key);
      if (i < 0) return;
      const q = { ...this.data.questions[i], ...patch, error: '' };
      q.answerOptions = answerOptionsOf(q.options);
      q.letters = q.options.map((_, j) => letter(j));
      q.single = q.kind === 'single' && q.answer.length ? q.answer[0] : -1;
      q.summary = summaryOf(q);
      this.changed({ [`questions[${i}]`]: q });
    },
    onQuestionText(e: WechatMiniprogram.CustomEvent<{ value: string }>) {
      this.patchQuestion(dataset(e, 'key'), { text: String(e.detail.value ?? '') });
    },
    onQuestionKind(e: WechatMiniprogram.CustomEvent<{ value: string }>) {
      const key = dataset(e, 'key');
      const q = this.data.questions[this.questionIndex(key)];
      if (!q) return;
      const kind = e.detail.value === 'multiple' ? 'multiple' : 'single';
      this.patchQuestion(key, {
        kind,
        answer: kind === 'single' ? q.answer.slice(0, 1) : q.answer,
      });
    },
    onOptionText(e: WechatMiniprogram.CustomEvent<{ value: string }>) {
      const key = dataset(e, 'key');
      const j = Number(dataset(e, 'index'));
      const q = this.data.questions[this.questionIndex(key)];
      if (!q || !(j >= 0 && j < q.options.length)) return;
      const options = [...q.options];
      options[j] = String(e.detail.value ?? '');
      this.patchQuestion(key, { options });
    },
    onAddOption(e: WechatMiniprogram.BaseEvent) {
      const key = dataset(e, 'key');
      const q = this.data.questions[this.questionIndex(key)];
      if (!q || q.options.length >= this.data.limits.optionsMax) return;
      this.patchQuestion(key, { options: [...q.options, ''] });
    },
    onRemoveOption(e: WechatMiniprogram.BaseEvent) {
      const key = dataset(e, 'key');
      const j = Number(dataset(e, 'index'));
      const q = this.data.questions[this.questionIndex(key)];
      if (!q || q.options.length <= this.data.limits.optionsMin) return;
      const options = q.options.filter((_, x) => x !== j);
      const answer = q.answer.filter((a) => a !== j).map((a) => (a > j ? a - 1 : a));
      this.patchQuestion(key, { options, answer });
    },
    onAnswer(e: WechatMiniprogram.CustomEvent<{ value: number | number[] | null }>) {
      const key = dataset(e, 'key');
      const v = e.detail.value;
      const answer = Array.isArray(v)
        ? v.map(Number).sort((a, b) => a - b)
        : v === null || v === undefined
          ? []
          : [Number(v)];
      this.patchQuestion(key, { answer });
    },
    onExplanation(e: WechatMiniprogram.CustomEvent<{ value: string }>) {
      this.patchQuestion(dataset(e, 'key'), { explanation: String(e.detail.value ?? '') });
    },

    // ------------------------------------------------------------ publishing

    onMode(e: WechatMiniprogram.CustomEvent<{ value: string }>) {
      const v = e.detail.value;
      const mode: Mode = v === 'schedule' || v === 'draft' ? v : 'now';
      const patch: Record<string, unknown> = { mode, 'errors.publishAt': '' };
      if (mode === 'schedule' && !this.data.publishAt) {
        // A sensible default: tomorrow at 8:00.
        const d = new Date();
        d.setDate(d.getDate() + 1);
        d.setHours(8, 0, 0, 0);
        patch.publishAt = pickerText(d);
      }
      this.changed(patch);
    },
    onPublishAt(e: WechatMiniprogram.CustomEvent<{ value: string }>) {
      const v = String(e.detail.value ?? '');
      if (parsePicker(v)) this.changed({ publishAt: v.slice(0, 16), 'errors.publishAt': '' });
    },

    // ------------------------------------------------------------ checking and sending

    /** The client's checks (the server's, said in plain words). */
    validate(): boolean {
      const L = this.data.limits;
      const errors: Errors = {};
      const title = this.data.title.trim();
      if (!title) errors.title = '请填写标题';
      else if (title.length > L.titleMax) errors.title = `标题最多 ${L.titleMax} 个字`;
      if (this.data.summary.trim().length > L.summaryMax)
        errors.summary = `摘要最多 ${L.summaryMax} 个字`;
      const m = this.data.minutes;
      if (!Number.isInteger(m) || m < 1 || m > L.minutesMax)
        errors.minutes = `预计时长应为 1–${L.minutesMax} 分钟`;

      const blocks = this.data.blocks.map((b) => {
        let error = '';
        if (b.type === 'p' && !b.text.trim()) error = '这一段还是空的，写点内容或删除它';
        if (b.type === 'h') {
          const t = b.text.trim();
          if (!t) error = '请填写小标题';
          else if (t.length > 40) error = '小标题最多 40 个字';
        }
        if (b.type === 'ul' || b.type === 'ol') {
          const items = lines(b.text);
          if (!items.length) error = '请至少写一项，每行一项';
          else if (items.length > LIST_MAX) error = `列表最多 ${LIST_MAX} 项`;
        }
        if (b.type === 'img') {
          if (!b.fileID) error = '请上传图片，或删除这一块';
          else if (b.alt.trim().length > 40) error = '图片说明最多 40 个字';
        }
        return { ...b, error };
      });
      if (!blocks.length) errors.body = '请至少写一段正文';
      else if (textLength(blocks) > L.textMax)
        errors.body = `正文最多 ${L.textMax} 个字，微党课宜短小精悍`;

      if (this.data.mediaKind !== 'none' && !this.data.mediaFileID)
        errors.media = `请上传${this.data.mediaKind === 'video' ? '视频' : '音频'}，或选择「无」`;
      if (this.data.audienceKind === 'groups' && !this.data.groupIds.length)
        errors.audience = '请至少选择一个党小组';

      const questions = this.data.questions.map((q) => {
        let error = '';
        const text = q.text.trim();
        if (!text) error = '请填写题目';
        else if (text.length > L.questionMax) error = `题目最多 ${L.questionMax} 个字`;
        else if (q.options.some((o) => !o.trim())) error = '选项不能为空';
        else if (q.options.some((o) => o.trim().length > L.optionMax))
          error = `选项最多 ${L.optionMax} 个字`;
        else if (!q.answer.length) error = '请选出正确答案';
        else if (q.explanation.trim().length > L.explanationMax)
          error = `解析最多 ${L.explanationMax} 个字`;
        return { ...q, error };
      });

      if (this.data.canChooseMode && this.data.mode === 'schedule') {
        const at = parsePicker(this.data.publishAt);
        const lead = at ? at.getTime() - Date.now() : NaN;
        if (!at) errors.publishAt = '请选择发布时间';
        else if (!(lead >= LEAD_MIN_MS && lead <= LEAD_MAX_MS))
          errors.publishAt = '定时发布时间应在 5 分钟后到 60 天内';
      }

      const badBlock = blocks.find((b) => b.error);
      const badQuestion = questions.find((q) => q.error);
      const bad = Object.keys(errors).length > 0 || !!badBlock || !!badQuestion;
      this.setData({
        errors,
        blocks,
        questions,
        ...(badBlock ? { editing: badBlock.key } : {}),
        ...(badQuestion ? { openQuestion: badQuestion.key } : {}),
        formError: bad ? '请按红字提示修改后再提交' : '',
      });
      return !bad;
    },

    /** The form as the contract's content, and which block each body entry came from. */
    content(): { content: LessonContentInput; bodyFrom: number[] } {
      const s = st(this);
      const body: LessonBlock[] = [];
      const bodyFrom: number[] = [];
      this.data.blocks.forEach((b, i) => {
        const push = (block: LessonBlock) => {
          body.push(block);
          bodyFrom.push(i);
        };
        if (b.type === 'p') {
          const orig = s.runs.get(b.key);
          if (orig && orig.text === b.text && orig.bold === b.bold)
            push({ type: 'p', runs: orig.runs });
          // A line break starts a new paragraph (rich-text does not show it inside one).
          else for (const line of lines(b.text)) push({ type: 'p', runs: runsOf(line, b.bold) });
        } else if (b.type === 'h') {
          push(
            b.level === 4
              ? { type: 'h', level: 4, text: b.text.trim() }
              : { type: 'h', text: b.text.trim() },
          );
        } else if (b.type === 'ul' || b.type === 'ol') {
          push({ type: b.type, items: lines(b.text).map((l) => runsOf(l, false)) });
        } else {
          const alt = b.alt.trim();
          push(alt ? { type: 'img', fileID: b.fileID, alt } : { type: 'img', fileID: b.fileID });
        }
      });
      const summary = this.data.summary.trim();
      const quiz: QuizQuestionInput[] = this.data.questions.map((q) => {
        const out: QuizQuestionInput = {
          text: q.text.trim(),
          kind: q.kind,
          options: q.options.map((o) => o.trim()),
          answer: [...q.answer],
        };
        if (q.questionId) out.questionId = q.questionId;
        const ex = q.explanation.trim();
        if (ex) out.explanation = ex;
        return out;
      });
      const content: LessonContentInput = {
        title: this.data.title.trim(),
        ...(summary ? { summary } : {}),
        body,
        coverFileID: this.data.coverFileID || null,
        media:
          this.data.mediaKind !== 'none' && this.data.mediaFileID
            ? { kind: this.data.mediaKind, fileID: this.data.mediaFileID }
            : null,
        minutes: this.data.minutes,
        audience:
          this.data.audienceKind === 'groups'
            ? { kind: 'groups', groupIds: [...this.data.groupIds] }
            : { kind: 'branch' },
        quiz,
      };
      return { content, bodyFrom };
    },

    publishAtIso(): string | undefined {
      if (!this.data.canChooseMode || this.data.mode !== 'schedule') return undefined;
      return parsePicker(this.data.publishAt)?.toISOString();
    },

    async onSubmit() {
      if (this.data.submitting || this.data.uploading) return;
      if (!this.validate()) return;
      const s = st(this);
      const { content, bodyFrom } = this.content();
      const mode = this.data.canChooseMode ? this.data.mode : 'draft';
      const publishAt = this.publishAtIso();
      this.setData({ submitting: true, formError: '', formNote: '' });

      let res: Result<LessonWriteResponse>;
      if (!this.data.lessonId) {
        res = await call(
          'lesson',
          'create',
          {
            branchId: this.data.branchId,
            ...content,
            ...(mode === 'now' ? { publish: true } : {}),
            ...(publishAt ? { publishAt } : {}),
          },
          { requestId: s.intents.id('save') },
        );
      } else {
        res = await call(
          'lesson',
          'update',
          { lessonId: this.data.lessonId, ...content },
          { requestId: s.intents.id('save') },
        );
        // A saved draft (or a scheduled lesson) goes out now or at its time.
        const goesOut = this.data.canChooseMode && mode !== 'draft';
        if (res.ok && goesOut && res.data.status !== 'held') {
          res = await call(
            'lesson',
            'publish',
            { lessonId: this.data.lessonId, ...(publishAt ? { publishAt } : {}) },
            { requestId: s.intents.id('publish') },
          );
        }
      }
      this.setData({ submitting: false });
      if (!res.ok) {
        this.showError(res.error.code, res.error.message, res.error.details, bodyFrom);
        return;
      }
      s.intents.doneAll();
      this.done(res.data);
    },

    showError(code: string, message: string, details: unknown, bodyFrom: number[]) {
      if (code === 'CONTENT_RISKY') {
        this.setData({
          formError: `${message}。请修改标题、正文或题目中可能违规的内容后再提交。`,
        });
        return;
      }
      const fields = ((details as { fields?: unknown[] } | undefined)?.fields ?? []).map(String);
      if (code !== 'INVALID_ARGUMENT' || !fields.length) {
        if (code === 'NOT_FOUND' && /党小组/.test(message)) {
          this.setData({ 'errors.audience': message, formError: '请按红字提示修改后再提交' });
          return;
        }
        this.setData({ formError: message });
        return;
      }
      const patch: Record<string, unknown> = { formError: '请按红字提示修改后再提交' };
      const TOP: Record<string, FieldKey> = {
        title: 'title',
        summary: 'summary',
        minutes: 'minutes',
        coverFileID: 'cover',
        media: 'media',
        audience: 'audience',
        publishAt: 'publishAt',
        body: 'body',
        quiz: 'quiz',
      };
      fields.forEach((f, n) => {
        const text = n === 0 ? plainMessage(message) : '请检查此项';
        const [top, idx] = f.split('.');
        const at = Number(idx);
        if (top === 'body' && idx !== undefined && Number.isInteger(at)) {
          const i = bodyFrom[at] ?? -1;
          if (i >= 0 && !patch[`blocks[${i}].error`]) {
            patch[`blocks[${i}].error`] = text;
            if (n === 0) patch.editing = this.data.blocks[i]?.key ?? '';
          }
        } else if (top === 'quiz' && idx !== undefined && Number.isInteger(at)) {
          if (this.data.questions[at] && !patch[`questions[${at}].error`]) {
            patch[`questions[${at}].error`] = text;
            if (n === 0) patch.openQuestion = this.data.questions[at].key;
          }
        } else if (TOP[top] && !patch[`errors.${TOP[top]}`]) {
          patch[`errors.${TOP[top]}`] = text;
        } else if (n === 0) {
          patch.formError = message;
        }
      });
      this.setData(patch);
    },

    done(r: LessonWriteResponse) {
      if (r.status === 'draft') {
        toast('草稿已保存', 'success');
        this.setData({
          lessonId: r.lessonId,
          lessonStatus: 'draft',
          formNote: '草稿已保存，党员还看不到。可以继续编辑，或选「立即发布」',
        });
        return;
      }
      if (r.status === 'published' && this.data.lessonStatus === 'published') {
        toast('已保存', 'success');
        this.setData({
          result: 'published',
          resultLessonId: r.lessonId,
          resultText: '修改已保存，党员看到的是新的内容，学习记录都保留着。',
        });
        return;
      }
      const when = r.publishAt ? new Date(r.publishAt) : null;
      const RESULT: Record<string, string> = {
        published: '支部党员现在就可以学习了。',
        held: '内容安全检查需要人工复核，书记或副书记在「微党课管理 › 待审核」通过后，党员才能看到。',
        scheduled: when
          ? `将于 ${formatDate(r.publishAt)} ${pad(when.getHours())}:${pad(when.getMinutes())} 自动发布。`
          : '将按时自动发布。',
      };
      this.setData({
        result: r.status === 'held' ? 'held' : r.status === 'scheduled' ? 'scheduled' : 'published',
        resultLessonId: r.lessonId,
        resultText: RESULT[r.status] ?? '',
      });
    },

    onStats() {
      replace(ROUTES.lessonStats, { id: this.data.resultLessonId });
    },
    onBack() {
      try {
        wx.navigateBack();
      } catch {
        // Opened directly: stay.
      }
    },
  },
});
