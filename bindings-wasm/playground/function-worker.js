// Runs the user's backend function on one integration request, in a Worker of its own that the page terminates
// when the function's time is up. The function is `(event, context) => result` (sync or async), or a module that
// exports `handler` as a Lambda function's file does. Its result crosses as Lambda's Node.js runtime sends it:
// through JSON.stringify, so undefined is null and functions are dropped.
onmessage = async ({ data: { source, event, context } }) => {
  try {
    const code = /\bexport\b/.test(source) ? source : `export default (${source}\n)`
    const url = URL.createObjectURL(new Blob([code], { type: 'text/javascript' }))
    const module = await import(url)
    const handler = module.handler ?? module.default
    if (typeof handler !== 'function') throw new TypeError('the backend is not a function (or exports no handler)')
    const { timeLimitMs, ...values } = context
    const deadline = Date.now() + timeLimitMs
    postMessage({ called: true })
    // The core's values (wsgate's lambdaContext), with what Lambda's Node.js runtime makes per call.
    const result = await handler(event, {
      ...values,
      memoryLimitInMB: String(values.memoryLimitInMB), // a string in Lambda's Node.js runtime
      awsRequestId: crypto.randomUUID(),
      callbackWaitsForEmptyEventLoop: true,
      getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    })
    postMessage({ result: JSON.parse(JSON.stringify(result ?? null)) })
  } catch (error) {
    // What Lambda reports as errorType and errorMessage.
    const type = error instanceof Error ? error.name : 'Error'
    postMessage({ error: { type, message: error instanceof Error ? error.message : String(error) } })
  }
}
