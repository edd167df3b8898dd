// Serves the playground as the static files it is, on 127.0.0.1 only, at /playground/: the page (playground/) with
// the WebAssembly build (pkg/) as its pkg/ folder, or a built static folder such as dist/playground/.
// `node playground/serve.mjs [PORT] [FOLDER]` (port 8000 by default, 0 picks a free one) prints the page's URL once
// it accepts connections.
import { createServer } from 'node:http'
import { readFile } from 'node:fs/promises'
import { extname, join, normalize, resolve, sep } from 'node:path'
import { fileURLToPath } from 'node:url'

const here = resolve(fileURLToPath(new URL('.', import.meta.url)))
const types = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.wasm': 'application/wasm',
  '.svg': 'image/svg+xml',
}

/** The file a URL path names, or null outside the served folders. */
function locate(path, folder) {
  const mounts = folder
    ? [['/playground/', resolve(folder)]]
    : [['/playground/pkg/', join(here, '..', 'pkg')], ['/playground/', here]]
  for (const [prefix, dir] of mounts) {
    if (!path.startsWith(prefix)) continue
    const file = normalize(join(dir, path.slice(prefix.length) || 'index.html'))
    return file.startsWith(normalize(dir) + sep) ? file : null
  }
  return null
}

/** Starts the server; resolves to `{ url, close }` once it listens. */
export function serve(port = 0, folder = undefined) {
  const server = createServer(async (request, response) => {
    const path = decodeURIComponent(new URL(request.url, 'http://localhost').pathname)
    if (path === '/' || path === '/playground') {
      response.writeHead(302, { location: '/playground/' }).end()
      return
    }
    const file = locate(path.endsWith('/') ? `${path}index.html` : path, folder)
    const type = file && types[extname(file)]
    if (request.method !== 'GET' || !type) {
      response.writeHead(404).end()
      return
    }
    try {
      const body = await readFile(file)
      response.writeHead(200, { 'content-type': type, 'cache-control': 'no-cache' }).end(body)
    } catch {
      response.writeHead(404).end()
    }
  })
  return new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, '127.0.0.1', () => {
      const url = `http://127.0.0.1:${server.address().port}/playground/`
      resolve({ url, close: () => new Promise((done) => server.close(done)) })
    })
  })
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { url } = await serve(Number(process.argv[2] ?? 8000), process.argv[3])
  console.log(`playground on ${url}`)
}
