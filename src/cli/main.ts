#!/usr/bin/env node
/**
 * The bundled CLI (dist/cli.js, copied to ~/.daytona/mcp/daytona-mcp.js by init). Verbs: start (the
 * MCP server on stdio), init / config / status / logs (agent registration), tools, help, version.
 */
import { HOSTS, HOST_IDS } from '../registration/hosts';
import { registerSecrets } from '../core/scrub';
import { guardOutputStreams } from './output-guard';
import { UsageError } from './args';
import { startCommand } from './start';
import { VERSION } from './version';

/** Each verb's usage and what it does: `daytona-mcp <verb> --help` prints its own entry. */
const VERB_HELP: Record<string, string> = {
  start: `start [--read-only] [--tools a,b] [--project NAME] [--max-create N]
        [--profile NAME]
                      Serve the MCP tools on stdio (what agent configs launch).
                      At most N sandboxes created per run (default 30, 0 = no
                      limit; env DAYTONA_MCP_MAX_CREATE). --profile: that
                      Daytona CLI profile (env DAYTONA_PROFILE).
  start --http [--port N]
                      One shared background server on 127.0.0.1 (Streamable
                      HTTP, bearer token in ~/.daytona/mcp/http.json).`,
  init: `init <agent> [--workspace DIR] [--dry-run]
       [--read-only] [--tools a,b] [--inline-key] [--http [--port N]]
       [--no-check] [--allow-secret-in-repo] [--profile NAME] [--max-create N]
                      Register the server in that agent's config file (comments
                      and other servers are kept; a backup is written). The key
                      and its API URL go to ~/.daytona/mcp/credentials.json
                      (0600), not the config, unless --inline-key. No key found:
                      exit 1, nothing written. The key and URL are checked
                      first (one API call): a rejected key or wrong URL is
                      refused, an unreachable API only warns; --no-check skips
                      the call (offline). DIR must be an existing folder
                      (required for vscode).
                      Agents: ${HOST_IDS.map((id) => `${id} (${HOSTS[id].displayName})`).join(',\n                      ')}.`,
  config: `config [agent] [--read-only] [--tools a,b] [--profile NAME] [--max-create N]
                      Print the JSON (TOML for codex) to paste into an agent's
                      config (no key).`,
  status: `status [--json] [--profile NAME]
                      Key source, API reachability, configured agents, log path.
                      Exits 1 (with the next step) when the key is missing or
                      rejected or the API fails.`,
  logs: `logs [-f] [-n N]    Show (and follow) the audit log.`,
  tools: `tools [--json]      Print the tool reference (names, descriptions, inputs).`,
  token: `token rotate        New bearer token for start --http; updates the configs
                      init --http wrote it into.`,
  help: `help [command]      Show this help, or one command's.`,
  version: `version             Print the version.`,
};

const FOOTER = `Credentials (first found wins): DAYTONA_API_KEY (+ DAYTONA_API_URL, DAYTONA_TARGET),
then ~/.daytona/mcp/credentials.json, then the Daytona CLI's active profile (daytona
login). --profile NAME / DAYTONA_PROFILE: only that CLI profile (key or token + organisation).
Audit log: ~/.daytona/daytona-mcp.log (override with DAYTONA_MCP_LOG).
`;

const HELP = `daytona-mcp ${VERSION} — Daytona sandboxes for AI agents (MCP)

Usage: daytona-mcp <command> [options]   (daytona-mcp <command> --help: that command)

Commands:
${Object.values(VERB_HELP).map((h) => `  ${h}`).join('\n')}

${FOOTER}`;

function verbHelp(verb: string): string {
  return `Usage: daytona-mcp ${VERB_HELP[verb]}\n\n${FOOTER}`;
}

// Only `start` is loaded eagerly: agent hosts spawn it on every session; the other verbs load on use.
const COMMANDS: Record<string, (argv: string[]) => Promise<void> | void> = {
  start: startCommand,
  init: async (argv) => (await import('./init')).initCommand(argv),
  config: async (argv) => (await import('./config')).configCommand(argv),
  status: async (argv) => (await import('./status')).statusCommand(argv),
  logs: async (argv) => (await import('./logs')).logsCommand(argv),
  tools: async (argv) => (await import('./tools')).toolsCommand(argv),
  token: async (argv) => (await import('./token')).tokenCommand(argv),
  help: ([verb]) => void process.stdout.write(verb && VERB_HELP[verb] ? verbHelp(verb) : HELP),
  version: () => void process.stdout.write(`${VERSION}\n`),
};

async function main(argv: string[]): Promise<void> {
  guardOutputStreams();
  // Whatever a verb prints passes the guard, which drops the key from the environment (whole or any piece of it).
  registerSecrets(() => [process.env.DAYTONA_API_KEY, process.env.DAYTONA_JWT_TOKEN]);
  const [verb = 'help', ...rest] = argv;
  const aliases: Record<string, string> = { '--help': 'help', '-h': 'help', '--version': 'version', '-v': 'version' };
  const name = aliases[verb] ?? verb;
  const command = COMMANDS[name];
  if (!command) throw new UsageError(`Unknown command "${verb}". Valid commands: ${Object.keys(COMMANDS).join(', ')}.`);
  // `<verb> --help` anywhere on the line is a question, not an unknown option: answer it, change nothing.
  if (rest.includes('--help') || rest.includes('-h')) {
    process.stdout.write(verbHelp(name));
    return;
  }
  await command(rest);
}

main(process.argv.slice(2)).catch((err: unknown) => {
  if (err instanceof UsageError) {
    process.stderr.write(`daytona-mcp: ${err.message}\nRun "daytona-mcp help" for usage.\n`);
    process.exit(2);
  }
  process.stderr.write(`daytona-mcp: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
