// Files on the console: saved under DATA_DIR/bestanden/ (created on first use), each under a
// safe name derived from the name it was given, never a path taken from input, and never over
// an earlier file: a taken name gets -2, -3 … before its extension.
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileBytes, safeFileName, type ReplyFile } from '../../core/framework/files.ts';

export class ConsoleFiles {
  constructor(private readonly dir: string) {}

  /** Writes the file and resolves with its absolute path. */
  async save(file: ReplyFile): Promise<string> {
    const dir = path.resolve(this.dir);
    await mkdir(dir, { recursive: true });
    const name = safeFileName(file.name);
    const dot = name.lastIndexOf('.');
    const [stem, extension] = dot > 0 ? [name.slice(0, dot), name.slice(dot)] : [name, ''];
    const bytes = fileBytes(file);
    for (let n = 1; ; n++) {
      const candidate = path.join(dir, n === 1 ? name : `${stem}-${n}${extension}`);
      try {
        // 'wx': fails when the name is taken, so two files never overwrite each other.
        await writeFile(candidate, bytes, { flag: 'wx', mode: 0o600 });
        return candidate;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST' || n >= 10_000) throw error;
      }
    }
  }
}
