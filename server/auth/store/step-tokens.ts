import type { Queryable } from '../../db/queryable.ts';

/** Records a 2FA step token as used; false when it was used before (each opens one sign-in). */
export async function useStepToken(db: Queryable, jti: string, expiresAt: number): Promise<boolean> {
  await db.query('DELETE FROM used_step_tokens WHERE expires_at < now()');
  const { rowCount } = await db.query('INSERT INTO used_step_tokens (jti, expires_at) VALUES ($1, to_timestamp($2)) ON CONFLICT DO NOTHING', [jti, expiresAt]);
  return (rowCount ?? 0) > 0;
}
