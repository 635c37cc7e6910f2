import { describe, expect, it } from 'vitest';
import { APP_EXECUTABLE } from '../../src/doctor/install-layout.js';
import { BUNDLE_ENTRY_SCRIPT, BUNDLE_NODE_OPTIONS, entryRefusalMessage, entryRefusals } from '../../src/cli/entry-guard.js';
import { DEFAULT_ADDON_PATH, NativeAddonError, nativeAddonPath } from '../../src/native/addon.js';
import { isInstalledBundleExecutable } from '../../src/doctor/bundle-identity.js';

const asLaunchd = { execPath: APP_EXECUTABLE, execArgv: BUNDLE_NODE_OPTIONS, argv: [APP_EXECUTABLE, BUNDLE_ENTRY_SCRIPT, 'run'], env: { PATH: '/usr/bin', NODE_OPTIONS: '' } };

describe('the entry guard of the installed bundle', () => {
  it('lets the LaunchDaemon and the wrapper start it as they do', () => {
    expect(entryRefusals(asLaunchd, true)).toEqual([]);
    expect(entryRefusals({ ...asLaunchd, execArgv: [], argv: [APP_EXECUTABLE, BUNDLE_ENTRY_SCRIPT, 'alerts', 'list', '--require', 'x'] }, true)).toEqual([]);
  });

  it.each([
    ['--require', ['--require', '/tmp/evil.js']],
    ['--import', ['--import=data:text/javascript,evil']],
    ['--inspect', ['--inspect=0.0.0.0:9229']],
    ['a loader', ['--experimental-loader', '/tmp/l.mjs']],
  ])('refuses node options: %s', (_what, execArgv) => {
    const [refusal] = entryRefusals({ ...asLaunchd, execArgv: [...BUNDLE_NODE_OPTIONS, ...execArgv] }, true);
    expect(refusal).toMatch(/^node options "--/);
    expect(refusal).toContain('only --max-semi-space-size=1 --heap-growing-percent=50 are allowed');
  });

  it('refuses another entry script', () => {
    expect(entryRefusals({ ...asLaunchd, argv: [APP_EXECUTABLE, '/tmp/evil.js'] }, true)).toEqual([
      `entry script "/tmp/evil.js" (only ${BUNDLE_ENTRY_SCRIPT} runs)`,
    ]);
  });

  it.each(['NODE_OPTIONS', 'NODE_PATH', 'NODE_EXTRA_CA_CERTS', 'NODE_REPL_EXTERNAL_MODULE', 'NODE_TLS_REJECT_UNAUTHORIZED', 'OPENSSL_CONF', 'DYLD_INSERT_LIBRARIES', 'LD_PRELOAD', 'EMONDGUARD_NATIVE_ADDON'])(
    'refuses %s',
    (name) => {
      expect(entryRefusals({ ...asLaunchd, env: { ...asLaunchd.env, [name]: '/tmp/x' } }, true)).toEqual([`environment variable ${name}`]);
    },
  );

  it('says what to do', () => {
    const message = entryRefusalMessage(entryRefusals({ ...asLaunchd, env: { NODE_OPTIONS: '--require x', NODE_PATH: '/tmp' } }, true));
    expect(message).toMatch(/refuses to start with environment variables NODE_OPTIONS, NODE_PATH: .*Run it through \/Library\/EmondGuard\/bin\/emondguard/);
  });

  it('restricts nothing in any other node (development, CI, these tests)', () => {
    expect(isInstalledBundleExecutable(process.execPath)).toBe(false);
    expect(entryRefusals({ execPath: process.execPath, execArgv: ['--inspect'], argv: ['node', '/tmp/x.js'], env: { NODE_OPTIONS: '--require x' } })).toEqual([]);
  });
});

describe('the native addon override', () => {
  it('is honoured outside the bundle, for tests and development builds', () => {
    expect(nativeAddonPath({ EMONDGUARD_NATIVE_ADDON: '/tmp/dev.node' }, process.execPath)).toBe('/tmp/dev.node');
    expect(nativeAddonPath({}, APP_EXECUTABLE)).toBe(DEFAULT_ADDON_PATH);
  });

  it('is refused in the installed bundle, with what to do', () => {
    let error: unknown;
    try {
      nativeAddonPath({ EMONDGUARD_NATIVE_ADDON: '/tmp/evil.node' }, APP_EXECUTABLE);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(NativeAddonError);
    expect((error as NativeAddonError).code).toBe('E_ADDON_OVERRIDE');
    expect((error as Error).message).toMatch(/EMONDGUARD_NATIVE_ADDON=\/tmp\/evil\.node is refused: the installed agent loads only the addon it ships/);
  });
});
