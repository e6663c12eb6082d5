// Limits raised for tests and benchmarks that act as many users from one loopback
// address, or as one user sending far faster than a person can: they measure the sync,
// not the abuse limits (which have tests of their own, run with the defaults).
export const LOAD_LIMITS: Record<string, string> = {
  LOGIN_MAX_PER_IP: '100000',
  LOGIN_MAX_PER_ACCOUNT: '100000',
  REGISTER_MAX_PER_ADDRESS: '100000',
  CONVERSATIONS_MAX_PER_HOUR: '1000000',
  MESSAGES_MAX_PER_MINUTE: '10000000',
  MAX_CONNECTIONS_PER_ADDRESS: '100000',
  MAX_SESSIONS_PER_USER: '1000',
};
