// What the README's pictures show, as lists: the Command Palette's "Daytona:" commands and the Init MCP
// choices. `npm run pictures` reads both lists from the running editor, fails when they differ from the
// packaged build's, and writes them to docs/images/pictures.json; test/scripts/pictures-manifest.test.ts
// fails when the current package.json or host table no longer matches that file (pictures out of date).
import { resolve } from 'node:path';
import { BUILT_IN_CHOICE } from '../../src/extension/init-mcp-choices';
import { HOST_IDS, HOSTS } from '../../src/registration/hosts';

export const MANIFEST_PATH = resolve(__dirname, '..', '..', 'docs', 'images', 'pictures.json');

export interface PicturesManifest {
  /** Palette titles ("Daytona: Init MCP"), sorted. */
  commands: string[];
  /** Init MCP choices as the picker labels them, without icons, sorted. */
  hosts: string[];
  takenWith: { vscode: string; codeServer: string };
}

interface CommandContribution {
  command: string;
  title: string;
  category?: string;
}
export interface PackageJson {
  contributes?: { commands?: CommandContribution[]; menus?: { commandPalette?: Array<{ command: string; when?: string }> } };
}

export interface PaletteCommand {
  title: string;
  /** Shown only in some states (a `when` clause in menus.commandPalette, e.g. "Clear Sandbox Filter"). */
  conditional: boolean;
}

const sorted = (list: Iterable<string>) => [...list].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));

/** The commands package.json puts in the Command Palette: all contributed ones but those hidden with `when: false`. */
export function paletteCommands(pkg: PackageJson): PaletteCommand[] {
  const rules = new Map((pkg.contributes?.menus?.commandPalette ?? []).map((m) => [m.command, m.when]));
  return (pkg.contributes?.commands ?? [])
    .filter((c) => rules.get(c.command) !== 'false')
    .map((c) => ({ title: c.category ? `${c.category}: ${c.title}` : c.title, conditional: rules.get(c.command) !== undefined }))
    .sort((a, b) => (a.title < b.title ? -1 : a.title > b.title ? 1 : 0));
}

/** Init MCP's choices: every host of the table and, in editors with an MCP API, the built-in one. */
export function hostChoiceLabels(): string[] {
  return sorted([BUILT_IN_CHOICE, ...HOST_IDS.map((id) => HOSTS[id].displayName)]);
}

/** The lists a manifest must hold for this package.json and host table. */
export function expectedLists(pkg: PackageJson): Pick<PicturesManifest, 'commands' | 'hosts'> {
  return { commands: paletteCommands(pkg).map((c) => c.title), hosts: hostChoiceLabels() };
}

/** "missing: …; unexpected: …" for two lists, or undefined when they hold the same items. */
export function listDifference(expected: readonly string[], actual: readonly string[]): string | undefined {
  const missing = expected.filter((e) => !actual.includes(e));
  const extra = actual.filter((a) => !expected.includes(a));
  if (missing.length === 0 && extra.length === 0) return undefined;
  return [missing.length ? `missing ${missing.map((m) => `"${m}"`).join(', ')}` : '', extra.length ? `unexpected ${extra.map((m) => `"${m}"`).join(', ')}` : '']
    .filter(Boolean)
    .join('; ');
}

/** The file's text: stable key order and list order, so an unchanged build rewrites it byte for byte. */
export function manifestText(m: PicturesManifest): string {
  const ordered: PicturesManifest = { commands: sorted(m.commands), hosts: sorted(m.hosts), takenWith: { vscode: m.takenWith.vscode, codeServer: m.takenWith.codeServer } };
  return `${JSON.stringify(ordered, null, 2)}\n`;
}
