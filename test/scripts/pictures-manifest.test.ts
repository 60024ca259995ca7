// The README's pictures against the current build: docs/images/pictures.json (written by `npm run
// pictures`, which checked the lists in the running editor) must list today's palette commands and Init
// MCP choices. A command or host added or renamed without re-taking the pictures fails here.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { test } from 'node:test';
import { expectedLists, listDifference, manifestText, MANIFEST_PATH, paletteCommands, type PicturesManifest } from '../../scripts/pictures/manifest';

const pkg = JSON.parse(readFileSync(resolve(__dirname, '..', '..', 'package.json'), 'utf8'));
const manifest = JSON.parse(readFileSync(MANIFEST_PATH, 'utf8')) as PicturesManifest;
const expected = expectedLists(pkg);

test('the pictures were taken with the palette commands of the current package.json', () => {
  const diff = listDifference(expected.commands, manifest.commands);
  assert.equal(diff, undefined, `docs/images/pictures.json: commands ${diff} — run npm run pictures`);
});

test('the pictures were taken with the Init MCP choices of the current host table', () => {
  const diff = listDifference(expected.hosts, manifest.hosts);
  assert.equal(diff, undefined, `docs/images/pictures.json: Init MCP choices ${diff} — run npm run pictures`);
});

test('the manifest is as npm run pictures writes it (sorted, with the editor it was taken in)', () => {
  assert.equal(readFileSync(MANIFEST_PATH, 'utf8'), manifestText(manifest));
  assert.match(manifest.takenWith.vscode, /^\d+\.\d+\.\d+$/);
  assert.match(manifest.takenWith.codeServer, /^\d+\.\d+\.\d+$/);
});

test('palette commands: category and title, hidden ones (when: false) left out, conditional ones marked', () => {
  const cmds = paletteCommands({
    contributes: {
      commands: [
        { command: 'x.b', title: 'Bee', category: 'X' },
        { command: 'x.a', title: 'Ant', category: 'X' },
        { command: 'x.hidden', title: 'Hidden', category: 'X' },
        { command: 'x.sometimes', title: 'Sometimes' },
      ],
      menus: { commandPalette: [{ command: 'x.hidden', when: 'false' }, { command: 'x.sometimes', when: 'x.on' }] },
    },
  });
  assert.deepEqual(cmds, [
    { title: 'Sometimes', conditional: true },
    { title: 'X: Ant', conditional: false },
    { title: 'X: Bee', conditional: false },
  ]);
  assert.equal(listDifference(['a', 'b'], ['b', 'c']), 'missing "a"; unexpected "c"');
});
