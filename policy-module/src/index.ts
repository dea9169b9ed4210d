// The policy module's public surface: other workspaces import from here, never from inside src/.
export { serverNameSchema, trustPolicySchema, type TrustPolicy } from './policy/trustPolicy.ts';
export { loadPolicy, parsePolicy, PolicyError } from './policy/loadPolicy.ts';
export { synapseSettingsFor, type PolicySynapseSettings } from './policy/synapseSettings.ts';
