// Serves the playground as the static files it is: the page (playground/) and the WebAssembly build (pkg/), on
// 127.0.0.1 only. `node playground/serve.mjs [PORT]` (default 8000, 0 picks a free one) prints the page's URL
// once it accepts connections.
import { createServer } from 'node:http'
import { readFile } from 'node:fs/promises'
import { extname, join, normalize, sep } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = fileURLToPath(new URL('..', import.meta.url))
const served = ['playground', 'pkg'].map((dir) => join(root, dir) + sep)
const types = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.wasm': 'application/wasm',
  '.svg': 'image/svg+xml',
}

/** Starts the server; resolves to `{ url, close }` once it listens. */
export function serve(port = 0) {
  const server = createServer(async (request, response) => {
    const path = decodeURIComponent(new URL(request.url, 'http://localhost').pathname)
    if (path === '/') {
      response.writeHead(302, { location: '/playground/' }).end()
      return
    }
    const file = normalize(join(root, path.endsWith('/') ? `${path}index.html` : path))
    const type = types[extname(file)]
    if (request.method !== 'GET' || !type || !served.some((dir) => file.startsWith(dir))) {
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
  const { url } = await serve(Number(process.argv[2] ?? 8000))
  console.log(`playground on ${url}`)
}
