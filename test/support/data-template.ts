// Run as a child process by data-dir.ts: creates and migrates the embedded database in the
// folder given, as a first start of the bot would, and closes it again.
import { openDatabase } from '../../src/db/index.ts';

const dir = process.argv[2];
if (!dir) throw new Error('usage: data-template.ts <DATA_DIR>');
const db = await openDatabase({ dataDir: dir });
await db.close();
