// The tus reference server for bench/upload-vs-tus-node: @tus/server with @tus/file-store, as its README
// shows it, on 127.0.0.1 and a free port. Prints "listening URL" once it accepts connections.
//   node server.mjs DIR
import { Server } from '@tus/server';
import { FileStore } from '@tus/file-store';

const [directory] = process.argv.slice(2);
if (!directory) {
  console.error('usage: node server.mjs DIR');
  process.exit(2);
}
const tus = new Server({ path: '/files', datastore: new FileStore({ directory }) });
const http = tus.listen(0, '127.0.0.1', () => {
  console.log(`listening http://127.0.0.1:${http.address().port}/files/`);
});
// Node's default (300 s for a whole request) would cut a large upload on a slow machine.
http.requestTimeout = 0;
process.on('SIGTERM', () => http.close(() => process.exit(0)));
