// See package.json: loading this fails on purpose, and @vscode/vsce then uses its file store.
throw new Error('keytar is not installed with this project (it would compile native code or download a binary at install time); vsce uses VSCE_PAT or its file store instead.');
