// Writes every mlpipe dashboard as <uid>.json into the directory given (default: this project's
// directory, where the generated files are committed). The Maven build writes them into
// target/ and compares them with the committed ones.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { agents } from './agents.js';
import { data } from './data.js';
import { gpus } from './gpus.js';
import { models } from './models.js';
import { nodes } from './nodes.js';
import { overview } from './overview.js';
import { pipelines } from './pipelines.js';

const out = process.argv[2] ?? '.';
mkdirSync(out, { recursive: true });
for (const d of [overview(), pipelines(), data(), models(), nodes(), gpus(), agents()]) {
  writeFileSync(join(out, `${d.uid}.json`), JSON.stringify(d, null, 2) + '\n');
}
