// Uploads FILE to ENDPOINT with tus-js-client in the given protocol ('tus-v1', 'ietf-draft-03', 'ietf-draft-05').
// With ABORT_AT > 0 the first upload is aborted once that many bytes are acknowledged, and a second Upload
// resumes it from its URL, as an application does after a reload. One JSON line per event on stdout.
//   node upload.js ENDPOINT FILE PROTOCOL ABORT_AT
import { readFileSync } from 'node:fs'
import { basename } from 'node:path'
import * as tus from 'tus-js-client'

const [endpoint, file, protocol, abortAtText] = process.argv.slice(2)
const abortAt = Number(abortAtText || '0')
const data = readFileSync(file)
const say = (event) => process.stdout.write(JSON.stringify(event) + '\n')

function upload (options) {
  return new Promise((resolve, reject) => {
    let aborted = false
    const u = new tus.Upload(data, {
      endpoint,
      protocol,
      chunkSize: 1024 * 1024,
      retryDelays: [0, 250, 1000],
      metadata: { filename: basename(file) },
      ...options,
      onError: reject,
      onSuccess: () => resolve({ url: u.url, aborted: false }),
      onChunkComplete: (chunk, accepted) => {
        if (abortAt > 0 && !options.uploadUrl && !aborted && accepted >= abortAt) {
          aborted = true
          u.abort().then(() => resolve({ url: u.url, aborted: true, accepted }), reject)
        }
      }
    })
    u.start()
  })
}

try {
  const first = await upload({})
  say({ event: first.aborted ? 'aborted' : 'done', url: first.url, accepted: first.accepted ?? data.length })
  if (first.aborted) {
    const second = await upload({ uploadUrl: first.url })
    say({ event: 'done', url: second.url, resumed: true })
  }
} catch (e) {
  say({ event: 'error', message: String(e && e.message ? e.message : e) })
  process.exitCode = 1
}
