// The WebAssembly package's types, compiled with `tsc --noEmit` by types.test.mjs: what a TypeScript user writes.
import init, { check, simulate, Session, type Problem, type Step, type Trace } from '../pkg/wsgate_wasm.js'

async function main (): Promise<void> {
  await init()
  const problems: Problem[] = check('name: x')
  const codes: string[] = problems.map((p) => p.code)
  const trace: Trace = simulate({ name: 'x' }, '{"action":"chat"}', { result: { statusCode: 200 } })
  const routeKey: string | null = trace.routeKey
  const session = new Session('name: x', { seed: 7 })
  const steps: Step[] = [{ connect: true }, { message: 'hi', fragments: 2 }, { disconnect: null }]
  const traces: Trace[] = steps.map((step) => session.step(step))
  const arn: string = session.lambdaContext('chat', Date.now(), '0'.repeat(32)).invokedFunctionArn
  // @ts-expect-error a step is one of connect, message, close or disconnect
  session.step({ mesage: 'hi' })
  // @ts-expect-error simulate's options are named
  simulate('name: x', '{}', { reslut: {} })
  console.log(codes, routeKey, traces, arn)
}

void main()
