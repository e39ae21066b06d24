import { test } from 'uvu';
import { createUser } from './analytics-fixtures.ts';
import { freshDatabase, type TestDatabase } from './database.ts';

/**
 * A fresh database with one user, made before the file's tests and dropped after them: what
 * most SQL tests start from. `made` receives both once they exist.
 */
export function databaseWithUser(made: (fixture: { db: TestDatabase; userId: string }) => void): void {
  let db: TestDatabase | undefined;
  test.before(async () => {
    db = await freshDatabase();
    made({ db, userId: await createUser(db.pool) });
  });
  test.after(async () => db?.drop());
}
