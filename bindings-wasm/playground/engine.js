// The playground's engine: wsgate's core as WebAssembly, in a Worker of its own so that no definition or message
// can freeze the page. The page gives every call a time limit and starts a new worker when one is exceeded or
// the WebAssembly traps. It keeps one simulated connection (a Session) at a time.
import init, { check, Session } from './pkg/wsgate_wasm.js'

const ready = init()
let session = null
// This worker is one instance of the user's functions: its log stream is named by when it started and a random id.
const started = Date.now()
const instance = [...crypto.getRandomValues(new Uint8Array(16))].map((b) => b.toString(16).padStart(2, '0')).join('')

const methods = {
  check: (definition) => check(definition),
  open(definition, options) {
    session?.free()
    session = null
    session = new Session(definition, options)
  },
  step: (step) => session.step(step),
  preview: (step) => session.preview(step),
  lambdaContext: (functionName) => session.lambdaContext(functionName, started, instance),
}

onmessage = async ({ data: { id, method, args } }) => {
  try {
    await ready
    postMessage({ id, value: methods[method](...args) })
  } catch (error) {
    // After a trap the module's memory cannot be trusted: the page replaces this worker.
    const fatal = error instanceof WebAssembly.RuntimeError
    postMessage({ id, fatal, error: error instanceof Error ? { message: error.message } : error })
  }
}
