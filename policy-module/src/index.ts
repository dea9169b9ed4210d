// The policy module's public surface: other workspaces import from here, never from inside src/.
export { serverNameSchema, trustPolicySchema, type TrustPolicy } from './policy/trustPolicy.ts';
export { loadPolicy, parsePolicy, PolicyError } from './policy/loadPolicy.ts';
export { synapseSettingsFor, type PolicySynapseSettings } from './policy/synapseSettings.ts';
export { createEnrolmentStore, type EnrolmentStore } from './enrolment/enrolmentStore.ts';
export { signOutDevice, type SynapseAdminApi, type UserSignOut } from './enrolment/signOutDevice.ts';
export {
  heldExpiredContent,
  nextReportDue,
  notSeenCutoff,
  signOutDue,
  type ExpiryLimits,
} from './expiry/clientExpiry.ts';
export { containsNhsNumber } from './nhsNumber/nhsNumber.ts';
export { registerUser, RegistrationError, type RegisteredUser } from './synapseAdmin/registerUser.ts';
export { signDirectory } from './trustDirectory/signDirectory.ts';
export type { DirectoryDocument } from './trustDirectory/trustDirectory.ts';
export { vouchedPartners, type VouchedPartners } from './trustDirectory/vouchedPartners.ts';
export { canonicalJson } from './trustDirectory/canonicalJson.ts';
export {
  auditTables,
  enrolmentTables,
  expiryTables,
  BleepSchemaError,
  grantServiceAccess,
  migrateBleepSchema,
  requireTables,
} from './database/bleepSchema.ts';
export { inTransaction } from './database/inTransaction.ts';
export { createAuditLog } from './audit/auditLog.ts';
export type { AuditEntry, AuditSink } from './audit/auditEntry.ts';
export { verifyAuditChain } from './audit/verifyAuditChain.ts';
export type { ClientPolicyView } from './gateway/clientPolicyView.ts';
export { clientRoutes, type ClientRoute } from './gateway/routes/clientRoutes.ts';
export { matchClientRoute } from './gateway/routes/matchClientRoute.ts';
export { federationRoutes, type FederationRoute } from './gateway/routes/federationRoutes.ts';
export { matchFederationRoute } from './gateway/routes/matchFederationRoute.ts';
export { readXMatrixOrigin } from './gateway/federation/xMatrixOrigin.ts';
export { gatewayConfigSchema } from './gateway/gatewayConfig.ts';
