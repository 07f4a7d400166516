// tus-js-client (its Node build) uploading one file, for bench/upload-vs-tus-node. Prints the upload URL.
//   node client.mjs FILE ENDPOINT [CHUNK_BYTES]
// Without CHUNK_BYTES the client's default chunkSize (Infinity) applies: after the creation POST, one PATCH
// streams the whole file, as `carryon put` does by default. An fs.ReadStream lets the client re-open the
// file at any offset, so nothing is buffered in memory.
import fs from 'node:fs';
import path from 'node:path';
import * as tus from 'tus-js-client';

const [file, endpoint, chunk] = process.argv.slice(2);
if (!file || !endpoint) {
  console.error('usage: node client.mjs FILE ENDPOINT [CHUNK_BYTES]');
  process.exit(2);
}
const options = {
  endpoint,
  metadata: { filename: path.basename(file) },
  retryDelays: [0, 1000, 3000],
  onError(error) {
    console.error(`tus-js-client: ${error}`);
    process.exit(1);
  },
  onSuccess() {
    console.log(upload.url);
  },
};
if (chunk) options.chunkSize = Number(chunk);
const upload = new tus.Upload(fs.createReadStream(file), options);
upload.start();
