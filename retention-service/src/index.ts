// The retention service's public surface for the deploy steps (the local runner makes its tables and roles):
// other workspaces import from here, never from inside src/.
export {
  grantHeldRoomRead,
  grantRetentionAccess,
  migrateRetentionSchema,
  retentionTables,
} from './database/retentionSchema.ts';
export { grantSynapseAccess, type SynapseRoles } from './database/synapseGrants.ts';
