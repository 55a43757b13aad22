// After `tsc -p tsconfig.build.json`: dist/ mirrors the repository, and the compiled code finds
// its files where the sources do (new URL('../..', import.meta.url)). The locales are copied
// (they belong to this build); the migrations, the schema and the guide content are linked, so
// the running bot reads the same files as `npm start` and the guide watcher sees edits to
// content/handreiking. Plain JavaScript: runs without tsx.
import { cpSync, mkdirSync, rmSync, symlinkSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const dist = path.join(root, 'dist');

rmSync(path.join(dist, 'src/locales'), { recursive: true, force: true });
cpSync(path.join(root, 'src/locales'), path.join(dist, 'src/locales'), { recursive: true });
for (const dir of ['prisma', 'content']) {
  const link = path.join(dist, dir);
  rmSync(link, { recursive: true, force: true });
  mkdirSync(path.dirname(link), { recursive: true });
  symlinkSync(path.join('..', dir), link, 'dir');
}
