// What the .vsix carries for people, not developers: the Open VSX page (docs/store/README.md, passed to
// vsce with --readme-path) and a CHANGELOG whose section for the packaged version is not "unreleased".
// Writes dist/store/CHANGELOG.md from CHANGELOG.md; `npm run package` runs it before vsce.
//
// Why a separate store page: Open VSX shows the packaged README as the extension's page, and the
// developers' README (npm ci, npm test, issue numbers, repository pictures) is not for users. Its
// pictures cannot be shown there anyway: Open VSX does not resolve relative paths into the .vsix, and
// there is no public repository for vsce to rewrite them against (--baseImagesUrl would point nowhere).
// So the store page has no pictures and only absolute links; the walkthrough inside the editor shows
// the pictures from the .vsix itself.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** The CHANGELOG as packaged for `version`: its section heading without "unreleased". Throws if it has none. */
export function storeChangelog(text, version) {
  const escaped = version.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const heading = new RegExp(`^## ${escaped}(?:\\s*[—-]\\s*unreleased)?\\s*$`, 'mi');
  if (!heading.test(text)) throw new Error(`CHANGELOG.md has no "## ${version}" section for the version being packaged`);
  return text.replace(heading, `## ${version}`);
}

function main() {
  const pkg = JSON.parse(readFileSync(`${ROOT}/package.json`, 'utf8'));
  mkdirSync(`${ROOT}/dist/store`, { recursive: true });
  writeFileSync(`${ROOT}/dist/store/CHANGELOG.md`, storeChangelog(readFileSync(`${ROOT}/CHANGELOG.md`, 'utf8'), pkg.version));
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) main();
