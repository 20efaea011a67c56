/**
 * The lesson content: its schema (the only way content gets in), the `rich-text` nodes the
 * server builds from it, and the content-security check of every text in it.
 *
 * The body is a safe node structure, never HTML: a block is a paragraph, heading, list or
 * picture with plain-text runs (bold is the only formatting). `rich-text` renders text nodes
 * as text, so a `<script>` typed into a lesson shows as those characters. Pictures must be
 * files of this environment's cloud storage under `lessons/`: the client cannot make the page
 * load an image from elsewhere.
 */
import * as z from 'zod';
import type {
  LessonBlock,
  LessonContentInput,
  QuizQuestionInput,
  RichTextElement,
  RichTextNode,
} from '../../typings/api';
import { AppError, type Cloud } from '../common';
import type { LessonBlockDoc, QuizQuestionDoc } from '../common/model';
import { newId, secCheck } from '../common/util';
import { LIMITS } from './shared';

/** `cloud://<env>.<bucket>/lessons/…`: uploaded by the composer with `wx.cloud.uploadFile`. */
const LESSON_FILE = /^cloud:\/\/([^/]+)\/lessons\/[A-Za-z0-9._\-/]{1,200}$/;
const FILE_HINT = '应为上传到本环境 lessons/ 目录的云文件 ID';
/** msgSecCheck v2 takes at most 2500 characters per call. */
const SEC_CHUNK = 2500;
/** Reading speed used to estimate minutes when the composer gives none (characters a minute). */
const CHARS_PER_MINUTE = 400;

/**
 * A `.` or `..` path segment, or a backslash (read as a separator by some tools): the regex
 * lets dots through for names like `a.png`, but `lessons/../avatars/x.png` would name a file
 * outside `lessons/` wherever the path gets normalised.
 */
const UNSAFE_PATH = /(^|\/)\.{1,2}(\/|$)|\\/;

const fileSchema = z
  .string()
  .max(300)
  .refine(
    (v) => !UNSAFE_PATH.test(v.replace(/^cloud:\/\/[^/]*\//, '')),
    '文件路径不能含「.」或「..」这样的目录，也不能含反斜杠',
  )
  .regex(LESSON_FILE, FILE_HINT);

const inlineSchema = z.object({
  text: z.string().min(1, '文字不能为空').max(500, '一段文字最多 500 个字'),
  bold: z.boolean().optional(),
});
const runsSchema = z.array(inlineSchema).min(1, '段落不能为空').max(20, '一段最多 20 处格式');

const blockSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('p'), runs: runsSchema }),
  z.object({
    type: z.literal('h'),
    level: z.union([z.literal(3), z.literal(4)]).optional(),
    text: z.string().trim().min(1, '标题不能为空').max(40, '小标题最多 40 个字'),
  }),
  z.object({
    type: z.literal('ul'),
    items: z.array(runsSchema).min(1, '列表不能为空').max(20, '列表最多 20 项'),
  }),
  z.object({
    type: z.literal('ol'),
    items: z.array(runsSchema).min(1, '列表不能为空').max(20, '列表最多 20 项'),
  }),
  z.object({
    type: z.literal('img'),
    fileID: fileSchema,
    alt: z.string().trim().max(40, '图片说明最多 40 个字').optional(),
  }),
]);

const questionSchema = z
  .object({
    questionId: z
      .string()
      .regex(/^[A-Za-z0-9_-]{1,24}$/, '题目编号格式不正确')
      .optional(),
    text: z
      .string()
      .trim()
      .min(1, '题目不能为空')
      .max(LIMITS.questionMax, `题目最多 ${LIMITS.questionMax} 个字`),
    kind: z.enum(['single', 'multiple']),
    options: z
      .array(
        z
          .string()
          .trim()
          .min(1, '选项不能为空')
          .max(LIMITS.optionMax, `选项最多 ${LIMITS.optionMax} 个字`),
      )
      .min(LIMITS.optionsMin, `每题至少 ${LIMITS.optionsMin} 个选项`)
      .max(LIMITS.optionsMax, `每题最多 ${LIMITS.optionsMax} 个选项`),
    answer: z.array(z.number().int().min(0)).min(1, '请标出正确答案'),
    explanation: z
      .string()
      .trim()
      .max(LIMITS.explanationMax, `解析最多 ${LIMITS.explanationMax} 个字`)
      .optional(),
  })
  .superRefine((q, ctx) => {
    if (new Set(q.answer).size !== q.answer.length) {
      ctx.addIssue({ code: 'custom', path: ['answer'], message: '正确答案有重复' });
    }
    if (q.answer.some((a) => a >= q.options.length)) {
      ctx.addIssue({ code: 'custom', path: ['answer'], message: '正确答案不在选项之中' });
    }
    if (q.kind === 'single' && q.answer.length !== 1) {
      ctx.addIssue({ code: 'custom', path: ['answer'], message: '单选题只能有一个正确答案' });
    }
  });

/** Text a block shows (for limits, content security and the default summary). */
function blockText(b: LessonBlock | LessonBlockDoc): string[] {
  switch (b.type) {
    case 'p':
      return [b.runs.map((r) => r.text).join('')];
    case 'h':
      return [b.text];
    case 'ul':
    case 'ol':
      return b.items.map((runs) => runs.map((r) => r.text).join(''));
    case 'img':
      return b.alt ? [b.alt] : [];
  }
}

export function bodyText(body: (LessonBlock | LessonBlockDoc)[]): string {
  return body.flatMap(blockText).join('\n');
}

/** The fields of `LessonContentInput`, shared by `create` and `update`. */
export const contentShape = {
  title: z
    .string()
    .trim()
    .min(1, '请填写标题')
    .max(LIMITS.titleMax, `标题最多 ${LIMITS.titleMax} 个字`),
  summary: z
    .string()
    .trim()
    .max(LIMITS.summaryMax, `摘要最多 ${LIMITS.summaryMax} 个字`)
    .optional(),
  body: z
    .array(blockSchema)
    .min(1, '正文不能为空')
    .max(LIMITS.blocksMax, `正文最多 ${LIMITS.blocksMax} 段`)
    .refine(
      (body) => bodyText(body).length <= LIMITS.textMax,
      `正文最多 ${LIMITS.textMax} 个字，微党课宜短小精悍`,
    ),
  coverFileID: fileSchema.nullable().optional(),
  media: z
    .object({ kind: z.enum(['audio', 'video']), fileID: fileSchema })
    .nullable()
    .optional(),
  minutes: z
    .number()
    .int('请填写整数分钟')
    .min(1, '预计时长至少 1 分钟')
    .max(LIMITS.minutesMax, `微党课预计时长不超过 ${LIMITS.minutesMax} 分钟`)
    .optional(),
  audience: z
    .discriminatedUnion('kind', [
      z.object({ kind: z.literal('branch') }),
      z.object({
        kind: z.literal('groups'),
        groupIds: z
          .array(z.string().trim().min(1).max(64))
          .min(1, '请至少选择一个党小组')
          .max(20, '最多选择 20 个党小组')
          .refine((ids) => new Set(ids).size === ids.length, '党小组有重复'),
      }),
    ])
    .optional(),
  quiz: z
    .array(questionSchema)
    .max(LIMITS.questionsMax, `测试题最多 ${LIMITS.questionsMax} 道`)
    .refine((qs) => {
      const ids = qs.map((q) => q.questionId).filter(Boolean);
      return new Set(ids).size === ids.length;
    }, '题目编号有重复')
    .optional(),
};

/** Files in this environment only (the regex checks the shape; the host must be ours). */
export function checkFiles(cloud: Cloud, data: LessonContentInput): void {
  const env = String(cloud.getWXContext().ENV ?? '');
  const files: [string, string][] = [];
  if (data.coverFileID) files.push(['coverFileID', data.coverFileID]);
  if (data.media) files.push(['media.fileID', data.media.fileID]);
  data.body.forEach((b, i) => {
    if (b.type === 'img') files.push([`body.${i}.fileID`, b.fileID]);
  });
  for (const [field, fileID] of files) {
    const host = LESSON_FILE.exec(fileID)?.[1] ?? '';
    if (!env || !host.startsWith(`${env}.`)) {
      throw new AppError('INVALID_ARGUMENT', `参数「${field}」有误：文件不在本环境的云存储中`, {
        fields: [field],
      });
    }
  }
}

/** Stored blocks: defaults filled in, nothing but the known fields kept. */
export function bodyDoc(body: LessonBlock[]): LessonBlockDoc[] {
  const runs = (rs: { text: string; bold?: boolean }[]) =>
    rs.map((r) => (r.bold ? { text: r.text, bold: true } : { text: r.text }));
  return body.map((b): LessonBlockDoc => {
    switch (b.type) {
      case 'p':
        return { type: 'p', runs: runs(b.runs) };
      case 'h':
        return { type: 'h', level: b.level ?? 3, text: b.text };
      case 'ul':
      case 'ol':
        return { type: b.type, items: b.items.map(runs) };
      case 'img':
        return { type: 'img', fileID: b.fileID, alt: b.alt ?? '' };
    }
  });
}

/**
 * Stored questions: answers sorted, ids kept when the composer sends them (so an edit keeps
 * the link between a question and its results), else new short ids.
 */
export function quizDoc(quiz: QuizQuestionInput[] | undefined): QuizQuestionDoc[] {
  return (quiz ?? []).map((q) => ({
    questionId: q.questionId ?? newId().slice(0, 12),
    text: q.text,
    kind: q.kind,
    options: [...q.options],
    answer: [...q.answer].sort((a, b) => a - b),
    explanation: q.explanation ?? '',
  }));
}

export function defaultSummary(body: LessonBlock[]): string {
  return bodyText(body).replace(/\s+/g, ' ').trim().slice(0, 60);
}

export function estimateMinutes(body: LessonBlock[], quizLength: number): number {
  const reading = Math.ceil((bodyText(body).length + quizLength * 60) / CHARS_PER_MINUTE);
  return Math.min(LIMITS.minutesMax, Math.max(1, reading));
}

/**
 * Every text of the lesson through msgSecCheck v2, in chunks of at most 2500 characters
 * checked in parallel (no database request). `risky` anywhere → CONTENT_RISKY (thrown by
 * `secCheck`); `review` anywhere → 'review' (the lesson is held for the secretary).
 */
export async function checkContent(
  cloud: Cloud,
  openid: string,
  data: LessonContentInput,
): Promise<'pass' | 'review'> {
  const parts = [
    data.summary ?? '',
    bodyText(data.body),
    ...(data.quiz ?? []).flatMap((q) => [q.text, ...q.options, q.explanation ?? '']),
  ]
    .filter((t) => t.trim() !== '')
    .join('\n');
  const chunks: string[] = [];
  for (let i = 0; i < parts.length; i += SEC_CHUNK) chunks.push(parts.slice(i, i + SEC_CHUNK));
  if (chunks.length === 0) chunks.push(data.title);
  const verdicts = await Promise.all(
    chunks.map((c, i) => secCheck(cloud, openid, c, 3, i === 0 ? data.title : undefined)),
  );
  return verdicts.includes('review') ? 'review' : 'pass';
}

// ---------------------------------------------------------------- rich-text nodes

const text = (t: string): RichTextNode => ({ type: 'text', text: t });

function runNodes(runs: { text: string; bold?: boolean }[]): RichTextNode[] {
  return runs.map((r) => (r.bold ? { name: 'strong', children: [text(r.text)] } : text(r.text)));
}

/**
 * The body as `rich-text` nodes: only p, h3, h4, strong, ul, ol, li and img, built here from
 * the stored blocks; `src` is a temporary https URL of our own cloud file (a picture whose URL
 * could not be made is left out rather than shown broken).
 */
export function richTextNodes(
  body: LessonBlockDoc[],
  urls: Map<string, string | null>,
): RichTextNode[] {
  const out: RichTextNode[] = [];
  for (const b of body) {
    switch (b.type) {
      case 'p':
        out.push({ name: 'p', attrs: { class: 'lesson-p' }, children: runNodes(b.runs) });
        break;
      case 'h':
        out.push({
          name: b.level === 4 ? 'h4' : 'h3',
          attrs: { class: 'lesson-h' },
          children: [text(b.text)],
        });
        break;
      case 'ul':
      case 'ol':
        out.push({
          name: b.type,
          attrs: { class: 'lesson-list' },
          children: b.items.map((runs): RichTextElement => ({
            name: 'li',
            children: runNodes(runs),
          })),
        });
        break;
      case 'img': {
        const src = urls.get(b.fileID);
        if (src) {
          out.push({
            name: 'img',
            attrs: {
              src,
              alt: b.alt,
              class: 'lesson-img',
              style: 'max-width:100%;height:auto;display:block;',
            },
          });
        }
        break;
      }
    }
  }
  return out;
}

export function bodyFiles(body: LessonBlockDoc[]): string[] {
  return body.flatMap((b) => (b.type === 'img' ? [b.fileID] : []));
}
