// The `wsgate` package: the native addon's Gateway, Server, Connections, Session, simulate and check, plus what
// only JavaScript can do for them: calling handlers the way AWS Lambda's Node.js runtime does (sync, async, or with a
// callback), and the error classes the addon throws.
'use strict'

const { randomUUID } = require('node:crypto')
const native = require(`./${require('./platform.js')}`)

/**
 * Anything wsgate refuses or cannot do. `code` is the core's code of the error (`not_open`, ...) where it has one,
 * else the class name; `data` carries the details.
 */
class GatewayError extends Error {
  constructor(message, data = {}) {
    super(message)
    this.name = new.target.name
    this.code = data.code ?? new.target.name
    this.data = data
  }
}

/** A definition with problems: `data.problems` lists every one, each `{ path, code, message, file, line }`. */
class ConfigError extends GatewayError {}

/** A simulated connection cannot run a step; `code` says why (`not_a_step`, `not_open`, ...). */
class SessionError extends GatewayError {}

/** A handler cannot serve what it was registered for; `code` says why (`not_lambda`, ...). */
class RegistrationError extends GatewayError {}

/** A failed `@connections` call, shaped like the aws-sdk's service exceptions (the core gives the status). */
class ManagementError extends GatewayError {
  constructor(message, data) {
    super(message, data)
    this.$fault = 'client'
    this.$metadata = { httpStatusCode: data.httpStatusCode }
  }
}

/** The connection is closed, never existed, or its `$connect` has not finished (HTTP 410). */
class GoneException extends ManagementError {}

/** Posted data over 131072 bytes (HTTP 413). */
class PayloadTooLargeException extends ManagementError {}

/** The client is not reading its messages and is being closed (HTTP 429). */
class LimitExceededException extends ManagementError {}

const ERRORS = {
  GatewayError, ConfigError, SessionError, RegistrationError,
  ManagementError, GoneException, PayloadTooLargeException, LimitExceededException,
}

const SETTLE = Symbol('settle')
const DEADLINE = Symbol('deadline')
const REGION = Symbol('region')
const MEMORY = Symbol('memory')
const VALUES = Symbol('values')

/**
 * The context a handler receives, with the fields and methods of AWS Lambda's Node.js runtime. Its values are the
 * core's (`native.lambdaContext`), fetched once the handler first reads one of them, as most handlers never do.
 */
class LambdaContext {
  constructor(functionName, timeoutMs, memoryMb, region, settle) {
    this.functionName = functionName
    this.callbackWaitsForEmptyEventLoop = true
    this[DEADLINE] = Date.now() + timeoutMs
    this[REGION] = region
    this[MEMORY] = memoryMb
    this[SETTLE] = settle
  }

  get [VALUES]() {
    const values = native.lambdaContext(this.functionName, this[REGION], this[MEMORY])
    Object.defineProperty(this, VALUES, { value: values })
    return values
  }

  get functionVersion() { return this[VALUES].functionVersion }
  // A string in Lambda's Node.js runtime.
  get memoryLimitInMB() { return String(this[VALUES].memoryLimitInMB) }
  get logGroupName() { return this[VALUES].logGroupName }
  get logStreamName() { return this[VALUES].logStreamName }
  get invokedFunctionArn() { return this[VALUES].invokedFunctionArn }

  /** The invocation's id, a UUID as Lambda's; made when first read, as most handlers never do. */
  get awsRequestId() {
    const id = randomUUID()
    Object.defineProperty(this, 'awsRequestId', { value: id, enumerable: true })
    return id
  }

  /** Milliseconds left before the integration's `timeoutInMillis` ends the call. */
  getRemainingTimeInMillis() {
    return Math.max(0, this[DEADLINE] - Date.now())
  }

  // The legacy context methods of the Node.js runtime.
  done(error, result) { this[SETTLE](error, result) }
  succeed(result) { this[SETTLE](null, result) }
  fail(error) { this[SETTLE](error ?? new Error('handled')) }
}

function errorMessage(error) {
  if (error instanceof Error) return error.message || error.name
  return String(error)
}

/**
 * Calls one handler as Lambda does: a returned Promise (or thenable) is awaited; otherwise a function of three
 * parameters answers through its callback (or `context.succeed`/`fail`/`done`), and a function of fewer with what
 * it returned. The first answer wins.
 */
function invoke(handler, event, functionName, timeoutMs, memoryMb, region, answer) {
  let answered = false
  const settle = (error, result) => {
    if (answered) return
    answered = true
    if (error == null) return answer(true, result)
    console.error(`wsgate: the handler of ${functionName} failed:`, error)
    answer(false, errorMessage(error))
  }
  const context = new LambdaContext(functionName, timeoutMs, memoryMb, region, settle)
  let returned
  try {
    returned = handler(event, context, settle)
  } catch (error) {
    return settle(error ?? new Error(String(error)))
  }
  if (returned !== null && typeof returned?.then === 'function') {
    returned.then((result) => settle(null, result), (error) => settle(error ?? new Error(String(error))))
  } else if (handler.length < 3) {
    settle(null, returned)
  } // else a callback handler: what it returned is not its answer, the callback's (or the timeout) is
}

/** Encodes `[[id, ok, resultOrMessage], ...]`; a result that is not JSON fails its own call only. */
function encode(results) {
  try {
    return JSON.stringify(results)
  } catch {
    return JSON.stringify(results.map((entry) => {
      try {
        JSON.stringify(entry[2])
        return entry
      } catch (error) {
        const message = `the handler returned a value that is not JSON: ${errorMessage(error)}`
        console.error(`wsgate: ${message}`)
        return [entry[0], false, message]
      }
    }))
  }
}

/**
 * Returns what the addon delivers a gateway's calls to: a JSON batch of `[id, handler, timeoutMs, memoryMb,
 * functionName, event]`. Results go back through `complete`, as many at once as are ready when the microtasks have run.
 */
function dispatcher(handlers, complete, region) {
  let results = []
  const flush = () => {
    const batch = results
    results = []
    try {
      complete(encode(batch))
    } catch (error) {
      console.error('wsgate: could not hand results back:', error)
    }
  }
  return function deliver(batch) {
    for (const [id, index, timeoutMs, memoryMb, functionName, event] of JSON.parse(batch)) {
      invoke(handlers[index], event, functionName, timeoutMs, memoryMb, region, (ok, value) => {
        if (results.length === 0) queueMicrotask(flush)
        results.push([id, ok, value])
      })
    }
  }
}

native.setGlue(dispatcher, (kind, message, data) => new ERRORS[kind](message, data))

module.exports = {
  Gateway: native.Gateway,
  Server: native.Server,
  Connections: native.Connections,
  Session: native.Session,
  simulate: native.simulate,
  check: native.check,
  LambdaContext,
  ...ERRORS,
}
