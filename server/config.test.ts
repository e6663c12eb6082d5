import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from './config.ts';

describe('parseConfig', () => {
  it('fills in safe defaults for an empty environment: loopback only, strong scrypt', () => {
    expect(parseConfig({})).toMatchObject({
      PORT: 8787,
      HOST: '127.0.0.1',
      LOG_LEVEL: 'info',
      SESSION_TTL_DAYS: 30,
      LOGIN_MAX_PER_ACCOUNT_ADDRESS: 10,
      LOGIN_MAX_PER_ACCOUNT: 20,
      LOGIN_MAX_PER_IP: 50,
      LOGIN_WINDOW_SECONDS: 900,
      SCRYPT_COST: 131_072,
      TRUSTED_PROXIES: [],
      MAX_CONNECTIONS_PER_ADDRESS: 64,
      WS_AUTH_TIMEOUT_MS: 5_000,
      SESSION_IDLE_DAYS: 30,
    });
    expect(parseConfig({})).not.toHaveProperty('DATABASE_URL');
  });

  it('reads numbers from their text and lists from commas', () => {
    const config = parseConfig({
      PORT: '0',
      DATABASE_URL: 'mariadb://root@db:3306/timenest',
      REDIS_URL: 'rediss://cache:6380',
      CORS_ORIGINS: ' http://localhost:5173 , app://timenest ,,',
      SCRYPT_COST: '1024',
      SESSION_TTL_DAYS: '7',
    });
    expect(config).toMatchObject({
      PORT: 0,
      DATABASE_URL: 'mariadb://root@db:3306/timenest',
      REDIS_URL: 'rediss://cache:6380',
      CORS_ORIGINS: ['http://localhost:5173', 'app://timenest'],
      SCRYPT_COST: 1024,
      SESSION_TTL_DAYS: 7,
    });
  });

  it('reads trusted proxies as addresses and CIDRs, and refuses anything else', () => {
    expect(parseConfig({ TRUSTED_PROXIES: '10.0.0.0/8, ::1,192.168.1.7' }).TRUSTED_PROXIES).toEqual(
      ['10.0.0.0/8', '::1', '192.168.1.7'],
    );
    for (const bad of ['10.0.0.0/33', 'proxy.local', '10.0.0.1/8/1', 'fd00::/129']) {
      expect(() => parseConfig({ TRUSTED_PROXIES: bad })).toThrow(ConfigError);
    }
  });

  it('ignores variables it does not own', () => {
    expect(parseConfig({ PATH: '/usr/bin', HOME: '/root' })).not.toHaveProperty('PATH');
  });

  it.each([
    ['PORT', '70000'],
    ['PORT', 'eighty'],
    ['DATABASE_URL', 'postgres://db/timenest'],
    ['REDIS_URL', 'http://cache'],
    ['LOG_LEVEL', 'loud'],
    ['SESSION_TTL_DAYS', '0'],
    ['LOGIN_MAX_PER_ACCOUNT', '0'],
    ['SCRYPT_COST', '1000'],
    ['SCRYPT_COST', '512'],
  ])('refuses %s=%s naming the variable', (name, value) => {
    expect(() => parseConfig({ [name]: value })).toThrow(ConfigError);
    expect(() => parseConfig({ [name]: value })).toThrow(
      new RegExp(`^Invalid environment:\\n${name}: `),
    );
  });

  it('says every bad variable, one line each', () => {
    let message = '';
    try {
      parseConfig({ PORT: '-1', LOG_LEVEL: 'loud', SCRYPT_COST: '3' });
    } catch (error) {
      message = (error as Error).message;
    }
    const lines = message.split('\n').slice(1);
    expect(lines.map((l) => l.split(':')[0]).sort()).toEqual(['LOG_LEVEL', 'PORT', 'SCRYPT_COST']);
  });
});
