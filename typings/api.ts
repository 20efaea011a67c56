/**
 * The API contract: every function, its actions, their request and response types.
 * Server handlers and the client call helper are both typed by `Api`.
 */
export * from './envelope';

export type RoleCode =
  | 'secretary'
  | 'deputySecretary'
  | 'organizationCommittee'
  | 'propagandaCommittee'
  | 'disciplineCommittee'
  | 'massWorkCommittee'
  | 'member'
  | 'probationary'
  | 'activist';

export interface BranchSummary {
  id: string;
  name: string;
  role: RoleCode;
}

export interface MeResponse {
  /** False until the caller has completed a profile (a fresh WeChat user). */
  registered: boolean;
  nickname: string | null;
  /** 'member' when the caller belongs to at least one branch; residents have none. */
  kind: 'member' | 'resident' | 'guest';
  branches: BranchSummary[];
  serverTime: string;
}

export * from './branch';
import type { BranchApi } from './branch';
export * from './lesson';
import type { LessonApi } from './lesson';
export * from './activity';
import type { ActivityApi } from './activity';
export * from './liaison';
import type { LiaisonApi } from './liaison';

/** Function name → action name → { req, res }. */
export interface Api {
  user: {
    me: { req: Record<string, never> | undefined; res: MeResponse };
  };
  branch: BranchApi;
  lesson: LessonApi;
  activity: ActivityApi;
  liaison: LiaisonApi;
}

export type FunctionName = keyof Api;
export type ActionName<F extends FunctionName> = keyof Api[F] & string;
export type ActionReq<F extends FunctionName, A extends ActionName<F>> = Api[F][A] extends {
  req: infer R;
}
  ? R
  : never;
export type ActionRes<F extends FunctionName, A extends ActionName<F>> = Api[F][A] extends {
  res: infer R;
}
  ? R
  : never;
