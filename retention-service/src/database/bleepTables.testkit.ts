// Test support, not used in production: a throwaway Bleep database with policy-module's tables (the audit trail)
// and the retention tables, as the two migrations make them.
import { migrateBleepSchema } from '@bleep/policy-module';
import {
  createThrowawayDatabase,
  type ThrowawayDatabase,
} from '../../../policy-module/src/database/throwawayDatabase.testkit.ts';
import { migrateRetentionSchema } from './retentionSchema.ts';

export async function createBleepTestDatabase(): Promise<ThrowawayDatabase> {
  const database = await createThrowawayDatabase('bleep_retention_bleep_test');
  try {
    await migrateBleepSchema(database.pool);
    await migrateRetentionSchema(database.pool);
  } catch (error) {
    await database.drop();
    throw error;
  }
  return database;
}
