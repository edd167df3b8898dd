// A Lambda Invoke API for the Node handlers in handlers.mjs, in a process of its own as a Lambda runtime is:
// POST /2015-03-31/functions/NAME/invocations awaits handlers.NAME(event, context) and answers as Lambda does.
import { createServer } from 'node:http'
import { randomUUID } from 'node:crypto'
import * as handlers from './handlers.mjs'

function answer (res, status, body, headers = {}) {
  res.writeHead(status, { 'Content-Type': 'application/json', ...headers })
  res.end(JSON.stringify(body ?? null))
}

const server = createServer(async (req, res) => {
  const name = /^\/2015-03-31\/functions\/([^/]+)\/invocations$/.exec(req.url)?.[1]
  const handler = handlers[name]
  if (req.method !== 'POST' || typeof handler !== 'function') {
    return answer(res, 404, { message: `Function not found: ${name}` }, { 'x-amzn-ErrorType': 'ResourceNotFoundException' })
  }
  const chunks = []
  for await (const chunk of req) chunks.push(chunk)
  const deadline = Date.now() + 30_000
  const context = {
    awsRequestId: randomUUID(),
    functionName: name,
    invokedFunctionArn: `arn:aws:lambda:us-east-1:123456789012:function:${name}`,
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
  }
  try {
    answer(res, 200, await handler(JSON.parse(Buffer.concat(chunks)), context))
  } catch (error) {
    answer(res, 200, { errorMessage: String(error?.message ?? error), errorType: error?.name ?? 'Error' },
      { 'X-Amz-Function-Error': 'Unhandled' })
  }
})
server.listen(0, '127.0.0.1', () => console.log(`listening on http://127.0.0.1:${server.address().port}`))
process.on('SIGTERM', () => process.exit(0))
