import type { Auth } from './auth.ts';
import { requestJson } from './http.ts';

export interface PublicConfig {
  ingestUrl: string;
  version: string;
  googleOAuth?: boolean;
}

export interface WordSetSummary {
  id: string;
  name: string;
  wordCount: number;
  builtIn: boolean;
}

/** GET /api/config: public, no sign-in needed. */
export function fetchConfig(): Promise<PublicConfig> {
  return requestJson<PublicConfig>('/api/config');
}

export async function listWordSets(auth: Auth): Promise<WordSetSummary[]> {
  return (await auth.request<{ wordSets: WordSetSummary[] }>('/api/word-sets')).wordSets;
}

export async function wordSetWords(auth: Auth, id: string): Promise<string[]> {
  return (await auth.request<{ wordSet: { words: string[] } }>(`/api/word-sets/${id}`)).wordSet.words;
}
