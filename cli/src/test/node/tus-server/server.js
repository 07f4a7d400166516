// The reference tus server for carryon's tests: node server.js DIR
// Listens on a free loopback port, prints "listening http://127.0.0.1:PORT/files/" once ready, stores uploads
// in DIR (data files named by upload id, with a .json beside each). SIGTERM stops it.
import http from 'node:http';
import { Server } from '@tus/server';
import { FileStore } from '@tus/file-store';

const directory = process.argv[2];
if (!directory) {
  console.error('usage: node server.js DIR');
  process.exit(2);
}
const tus = new Server({ path: '/files', datastore: new FileStore({ directory }) });
const server = http.createServer((req, res) => tus.handle(req, res));
server.listen(0, '127.0.0.1', () => {
  console.log(`listening http://127.0.0.1:${server.address().port}/files/`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
