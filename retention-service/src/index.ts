// The retention service's public surface for the deploy steps (the local runner makes its tables and roles):
// other workspaces import from here, never from inside src/.
export {
  grantHeldRoomRead,
  grantRetentionAccess,
  migrateRetentionSchema,
  retentionTables,
} from './database/retentionSchema.ts';
export { grantSynapseAccess, type SynapseRoles } from './database/synapseGrants.ts';
// The service's configuration schema and HTTP app: deploy's compose test checks the environment and the
// healthcheck docker-compose.yml gives the service against them.
export { retentionConfigSchema } from './config/retentionConfig.ts';
export { createApp } from './http/createApp.ts';
