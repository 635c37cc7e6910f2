/**
 * How to run emondguard again from the shell that ran this command, for the follow-up commands we
 * print: `npx emondguard` when this run came through npx (npm sets npm_command=exec), because in
 * a clone of the repository `emondguard` is not on the PATH; plain `emondguard` otherwise (the
 * installed package, or the bundle's command).
 */
export function commandName(env: NodeJS.ProcessEnv = process.env): string {
  return env['npm_command'] === 'exec' ? 'npx emondguard' : 'emondguard';
}
