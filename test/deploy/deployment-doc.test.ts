import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO, run, scratchDir } from './staging.js';

const doc = readFileSync(path.join(REPO, 'docs/DEPLOYMENT.md'), 'utf8');
const codeBlocks = [...doc.matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1] ?? '');

/** The options a script's `case` accepts. */
function acceptedOptions(script: string): Set<string> {
  const text = readFileSync(path.join(REPO, script), 'utf8');
  return new Set([...text.matchAll(/^\s+(--[a-z-]+)\)/gm)].map((m) => m[1] ?? ''));
}

describe('docs/DEPLOYMENT.md', () => {
  it('has a Jamf extension attribute script that is valid sh and prints a <result>', () => {
    const ea = codeBlocks.find((block) => block.includes('<result>'));
    expect(ea).toBeDefined();
    const file = path.join(scratchDir('ea'), 'ea.sh');
    writeFileSync(file, ea!);
    expect(run('sh', ['-n', file]).status).toBe(0);
    expect(ea).toContain('doctor --json');
    expect(ea).toContain('summary');
    // Without emondguard installed it reports so instead of failing.
    expect(run('sh', [file]).stdout.trim()).toBe('<result>not installed</result>');
  });

  it.each([
    ['scripts/build-pkg.sh', 'build-pkg.sh'],
    ['scripts/uninstall.sh', 'uninstall.sh'],
    ['scripts/make-mobileconfig', 'make-mobileconfig'],
  ])('only uses options %s accepts', (script, name) => {
    const accepted = script.endsWith('make-mobileconfig')
      ? new Set([...readFileSync(path.join(REPO, script), 'utf8').matchAll(/case '(--[a-z-]+)'/g)].map((m) => m[1] ?? ''))
      : acceptedOptions(script);
    const commands = codeBlocks.join('\n').replace(/\\\n\s*/g, ' ').split('\n').filter((line) => line.includes(name));
    expect(commands.length).toBeGreaterThan(0);
    for (const command of commands) {
      for (const option of command.match(/(?<=\s)--[a-z-]+/g) ?? []) {
        expect(accepted, `${option} in: ${command}`).toContain(option);
      }
    }
  });

  it('names the paths the package really installs', () => {
    for (const installed of [
      '/Library/EmondGuard/EmondGuard.app',
      '/Library/LaunchDaemons/com.emondguard.agent.plist',
      '/private/etc/newsyslog.d/com.emondguard.agent.conf',
      '/Library/Application Support/emondguard',
      '/Library/EmondGuard/uninstall.sh',
    ]) {
      expect(doc).toContain(installed);
    }
  });
});
