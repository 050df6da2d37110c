// Writes .br and .gz beside every .wasm/.js/.css file in a folder, for tower-http to serve
// precompressed. Uses Node's zlib so no extra system tool is needed.
import { readdirSync, readFileSync, writeFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { brotliCompressSync, gzipSync, constants } from 'node:zlib';

const dir = process.argv[2];
for (const name of readdirSync(dir)) {
  if (!/\.(wasm|js|css)$/.test(name)) continue;
  const path = join(dir, name);
  const src = readFileSync(path);
  const fresh = (out) => { try { return statSync(out).mtimeMs >= statSync(path).mtimeMs; } catch { return false; } };
  if (!fresh(path + '.br')) {
    writeFileSync(path + '.br', brotliCompressSync(src, {
      params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: src.length },
    }));
  }
  if (!fresh(path + '.gz')) writeFileSync(path + '.gz', gzipSync(src, { level: 9 }));
}
