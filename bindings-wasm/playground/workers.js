// The page's two kinds of Worker, each with a time limit so the page never freezes: the engine (engine.js, the
// WebAssembly build) and the user's backend function (function-worker.js), as Lambda runs it.

export const FUNCTION_TIME_LIMIT_MS = 1000
const LOAD_TIME_LIMIT_MS = 10_000
const ENGINE_TIME_LIMIT_MS = 5000

/** The engine worker: every call has a time limit, after which (or after a trap) a fresh worker takes over. */
export class Engine {
  constructor(onRestart) {
    this.onRestart = onRestart
    this.lastId = 0
    this.start()
  }

  start() {
    this.calls = new Map()
    this.worker = new Worker(new URL('engine.js', import.meta.url), { type: 'module' })
    this.worker.onmessage = ({ data }) => {
      const call = this.calls.get(data.id)
      if (!call) return
      this.calls.delete(data.id)
      clearTimeout(call.timer)
      if (data.fatal) this.restart(data.error.message)
      if ('error' in data) call.reject(Object.assign(new Error(data.error.message), data.error))
      else call.resolve(data.value)
    }
    this.worker.onerror = (event) => this.restart(`the engine stopped: ${event.message ?? 'it failed to start'}`)
  }

  restart(reason) {
    this.worker.terminate()
    for (const call of this.calls.values()) {
      clearTimeout(call.timer)
      call.reject(new Error(reason))
    }
    this.start()
    this.onRestart(reason)
  }

  call(method, ...args) {
    return new Promise((resolve, reject) => {
      const id = ++this.lastId
      const timer = setTimeout(
        () => this.restart(`the engine took longer than ${ENGINE_TIME_LIMIT_MS / 1000} s on this input and was stopped`),
        ENGINE_TIME_LIMIT_MS,
      )
      this.calls.set(id, { resolve, reject, timer })
      this.worker.postMessage({ id, method, args })
    })
  }
}

/**
 * Runs the user's function on one event in a throwaway Worker, terminated when its time is up. As with Lambda, the
 * time limit counts from the call: loading the code (a module's top level) has a limit of its own.
 */
export function runFunction(source, event, context) {
  return new Promise((resolve) => {
    const worker = new Worker(new URL('function-worker.js', import.meta.url), { type: 'module' })
    const done = (answer) => {
      clearTimeout(timer)
      worker.terminate()
      resolve(answer)
    }
    const loadFailed = { error: { type: 'Error', message: `the code did not load within ${LOAD_TIME_LIMIT_MS / 1000} s` } }
    let timer = setTimeout(() => done(loadFailed), LOAD_TIME_LIMIT_MS)
    worker.onmessage = ({ data }) => {
      if (!data.called) return done(data)
      clearTimeout(timer)
      timer = setTimeout(() => done({ timedOut: true }), FUNCTION_TIME_LIMIT_MS)
    }
    worker.onerror = (event) => done({ error: { type: 'Error', message: event.message } })
    worker.postMessage({ source, event, context: { ...context, timeLimitMs: FUNCTION_TIME_LIMIT_MS } })
  })
}
