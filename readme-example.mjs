import { readFileSync } from 'node:fs';

/**
 * Runs the ```js block of a README's `## Example` section as written, with the
 * names its `import` lines bring in taken from `bindings` (the package's own
 * exports, so the test checks the sources, not a stale build). `epilogue` is
 * code appended inside the same async function (e.g. `return { x };`, to
 * expose what the example computed). Throws when the block is missing or
 * imports a name that `bindings` lacks.
 *
 * @param {URL | string} readme the README file
 * @param {Record<string, unknown>} bindings
 * @param {string} [epilogue]
 * @returns {Promise<unknown>} what the epilogue returns
 */
export async function runReadmeExample(readme, bindings, epilogue = '') {
  const text = readFileSync(readme, 'utf8');
  const code = /```js\n([\s\S]*?)```/.exec(text.slice(text.indexOf('## Example')))?.[1];
  if (code == null) throw new Error(`${readme}: no \`\`\`js block after "## Example"`);
  const imported = [...code.matchAll(/^import (?:\* as (\w+)|\{([^}]+)\}) from/gm)].flatMap((m) => (m[1] ? [m[1]] : m[2].split(',').map((s) => s.trim())));
  const missing = imported.filter((name) => !(name in bindings));
  if (missing.length > 0) throw new Error(`${readme}: the example imports ${missing.join(', ')}, which the test does not bind`);
  const body = code.replace(/^import .*$/gm, '');
  const run = new Function(...imported, `return (async () => {\n${body}\n${epilogue}\n})();`);
  return run(...imported.map((n) => bindings[n]));
}
