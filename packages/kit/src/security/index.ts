export { AuditStore, type AuditDoc } from './audit-store';
export { auditService } from './audit-service';
export { Authenticator, type StoredToken, sha256Hex } from './authenticator';
export { PERMISSIONS, authorize, type Rule, type Decision } from './permissions';
export {
  type Grant,
  type Principal,
  type Role,
  ROLES,
  actorName,
  isAuthenticatedCaller,
  parseGrant,
  parseGrants,
  superPrincipal,
} from './principal';
export { RateLimiter } from './rate-limit';
export {
  type AuthConfig,
  type SecurityConfig,
  type TlsConfig,
  checkExposure,
  isLoopback,
  readSecurityConfig,
} from './security-config';
export { internalSecurity, publicSecurity } from './security-middleware';
export { serverCredentials, serviceChannelCredentials } from './tls-credentials';
