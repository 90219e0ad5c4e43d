// The assistant over an index that already exists: the live index, the optional LLM, and the
// one answer engine on top. Building the index on first run is start-up wiring (service.ts).
import type { IdentifiedEmbeddings, IndexStore } from '../ingest/index.js';
import type { AnswerEngine } from '../domain/contract.js';
import { createAnswerEngine } from './answer/engine.js';
import { createLiveKnowledge, type LiveKnowledge } from './answer/live-knowledge.js';
import { createChatModel, createPhraser, type LlmConfig } from './answer/llm.js';
import type { ProcedurePrecedence } from './answer/precedence.js';
import type { SessionMemory } from './answer/sessions.js';

export interface AssistantLogger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export interface AssistantDeps {
  store: IndexStore;
  embedder: IdentifiedEmbeddings;
  llm?: LlmConfig | null | undefined;
  logger?: AssistantLogger | undefined;
  /** The clock: deadline status is relative to it. */
  now?: (() => Date) | undefined;
  /** Which record of a code is served when an upload redefines it (default: every source alike). */
  precedence?: ProcedurePrecedence | undefined;
  /** Where conversations are remembered (default: this process's memory). */
  sessions?: SessionMemory | undefined;
}

export interface Assistant {
  engine: AnswerEngine;
  live: LiveKnowledge;
  store: IndexStore;
  embedder: IdentifiedEmbeddings;
}

/** Today's date in Hanoi (UTC+7), YYYY-MM-DD. */
export function hanoiDate(d: Date): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Ho_Chi_Minh', year: 'numeric', month: '2-digit', day: '2-digit' }).format(d);
}

/** Loads the published version (none yet: the engine answers "not ready" until one is). */
export async function createAssistant(deps: AssistantDeps): Promise<Assistant> {
  const { store, embedder, llm } = deps;
  const live = createLiveKnowledge({ store, embedder, ...(deps.logger ? { logger: deps.logger } : {}), ...(deps.precedence ? { precedence: deps.precedence } : {}) });
  await live.refresh();
  const phraser = llm ? createPhraser(await createChatModel(llm), { timeoutMs: llm.timeoutMs, ...(deps.logger ? { logger: deps.logger } : {}) }) : null;
  const now = deps.now ?? (() => new Date());
  const engine = createAnswerEngine({ knowledge: live.current, embedder, today: () => hanoiDate(now()), phraser, ...(deps.sessions ? { sessions: deps.sessions } : {}) });
  return { engine, live, store, embedder };
}
