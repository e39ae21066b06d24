import type { PublicConfig } from '../../../shared/api/system.ts';
import type { WordSetAnswer, WordSetList, WordSetSummary } from '../../../shared/api/word-sets.ts';
import type { Auth } from './auth.ts';
import { requestJson } from './http.ts';

export type { PublicConfig, WordSetSummary };

/** GET /api/config: public, no sign-in needed. */
export function fetchConfig(): Promise<PublicConfig> {
  return requestJson<PublicConfig>('/api/config');
}

export async function listWordSets(auth: Auth): Promise<WordSetSummary[]> {
  return (await auth.request<WordSetList>('/api/word-sets')).wordSets;
}

export async function wordSetWords(auth: Auth, id: string): Promise<string[]> {
  return (await auth.request<WordSetAnswer>(`/api/word-sets/${id}`)).wordSet.words;
}
