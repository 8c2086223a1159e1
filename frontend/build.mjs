// Builds the dashboards' front end into the kit's Voila template (ttt_widgets/templates/voila/templates/ttt/static):
// one minified script with the widget manager and the controls (ttt-dashboard.js), its stylesheet and the page's
// first script (both inlined by the template), the icons' font (ttt-icons.woff2), and ttt-dashboard.sources, the
// hash of what they were built from.
// The built files are committed with their sources, so that the kit runs without Node.js.
//
//   node build.mjs           build (`make frontend` runs `npm ci` first)
//   node build.mjs --check   build into a temporary folder and fail if it differs from the committed files
import { build } from 'esbuild';
import { createHash } from 'node:crypto';
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const committed = '../ttt_widgets/templates/voila/templates/ttt/static';
const check = process.argv.includes('--check');
const out = check ? mkdtempSync(join(tmpdir(), 'ttt-frontend-')) : committed;
const common = { bundle: true, minify: true, target: ['chrome100', 'firefox100', 'safari15'], logLevel: check ? 'error' : 'info' };

// the buttons' icons (src/icons.js): Font Awesome 4.7's stylesheet goes into the script, without its @font-face
// (the script adds one for the woff2 font alone, copied beside it and addressed by its content's hash)
const iconsFont = 'node_modules/font-awesome/fonts/fontawesome-webfont.woff2';
const iconsCss = readFileSync('node_modules/font-awesome/css/font-awesome.min.css', 'utf8').replace(/@font-face\{[^}]*\}/, '');
copyFileSync(iconsFont, `${out}/ttt-icons.woff2`);
copyFileSync('licenses/font-awesome.txt', `${out}/ttt-icons.LICENSE.txt`);

await build({
  ...common,
  entryPoints: ['src/index.js'],
  define: {
    ICONS_CSS: JSON.stringify(iconsCss),
    ICONS_VERSION: JSON.stringify(createHash('sha256').update(readFileSync(iconsFont)).digest('hex').slice(0, 16)),
  },
  format: 'iife',
  outfile: `${out}/ttt-dashboard.js`,
  // the widget manager's HTML cleaner: a small allowlist copy on the browser's own parser (src/sanitize.js)
  alias: { 'sanitize-html': './src/sanitize.js' },
  loader: { '.svg': 'dataurl', '.png': 'dataurl', '.woff': 'dataurl', '.woff2': 'dataurl' },
  legalComments: 'linked',
});
await build({ ...common, entryPoints: ['src/early.js'], format: 'iife', outfile: `${out}/ttt-early.js` });

// what the build was made from, in the order tests/packaging/test_frontend.py reads it
const hash = createHash('sha256');
for (const name of ['build.mjs', 'package.json', 'package-lock.json', ...readdirSync('src').sort().map((n) => `src/${n}`),
  ...readdirSync('licenses').sort().map((n) => `licenses/${n}`)]) {
  hash.update(name + '\0');
  hash.update(readFileSync(name));
  hash.update('\0');
}
writeFileSync(`${out}/ttt-dashboard.sources`, hash.digest('hex') + '\n');

if (check) {
  const differ = readdirSync(out).filter((name) => {
    try {
      return !readFileSync(`${out}/${name}`).equals(readFileSync(`${committed}/${name}`));
    } catch {
      return true;
    }
  });
  rmSync(out, { recursive: true, force: true });
  if (differ.length) {
    console.error(`the committed front end is not the build of its sources: ${differ.join(', ')} differ; run make frontend`);
    process.exit(1);
  }
  console.log('the committed front end is the build of its sources');
}
