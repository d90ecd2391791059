/**
 * Demo paper types, kept local to the demo scripts for now; the lead will align them with
 * `@exam/protocol` (packages/protocol/src/paper.ts), whose shapes they already mirror.
 */
export type ItemKind = 'single' | 'multiple' | 'truefalse' | 'text';

/** Option keys are 'A'..'D' ('multiple' may go up to 'E'). */
export interface Option {
  key: string;
  text: string;
}

export type Item =
  | { id: string; kind: 'single'; stem: string; options: Option[]; points: number; caseId?: string }
  | { id: string; kind: 'multiple'; stem: string; options: Option[]; points: number; caseId?: string }
  | { id: string; kind: 'truefalse'; stem: string; points: number; caseId?: string }
  | { id: string; kind: 'text'; stem: string; points: number; maxChars: number; caseId?: string };

export interface CaseText {
  id: string;
  title: string;
  text: string;
}

export interface Paper {
  paperId: string;
  subjectCode: string;
  title: string;
  instructions: string;
  cases: CaseText[];
  items: Item[];
}

/** Item id → correct answer; null for text items (scored by markers). */
export type AnswerKey = Record<string, string | string[] | boolean | null>;
