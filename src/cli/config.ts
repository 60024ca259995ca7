/** `config [agent]`: the exact JSON (TOML for Codex) to paste into an agent's config, with its wrapper and no key. */
import { TOOL_NAMES } from '../core/tools';
import { stableServerPath } from '../core/daytona-home';
import { configSnippetText, HOSTS } from '../registration';
import { entryMaxCreate, hostArgument, parseArgs, profileOption, toolsOption } from './args';
import { currentLaunch } from './init';

export function configCommand(argv: readonly string[]): void {
  const args = parseArgs(argv, { flags: ['read-only'], values: ['tools', 'profile', 'max-create'] });
  const host = hostArgument('config', args.positionals, 'cursor');
  process.stdout.write(
    configSnippetText(host, currentLaunch(), {
      readOnly: args.options.has('read-only'),
      tools: toolsOption(args.options.get('tools'), TOOL_NAMES),
      profile: profileOption(args.options.get('profile')),
      maxCreate: entryMaxCreate(args.options.get('max-create')),
    }),
  );
  const where = HOSTS[host].configPaths({ platform: process.platform, env: process.env, workspaceDir: '<workspace>' }).map((l) => l.path);
  process.stderr.write(
    `Paste into ${where.join(' or ')}.\n` +
      `"${stableServerPath()}" is created by "daytona-mcp init ${host}"; the key comes from DAYTONA_API_KEY, ~/.daytona/mcp/credentials.json or your Daytona CLI login.\n`,
  );
}
