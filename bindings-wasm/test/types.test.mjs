// The package's wsgate_wasm.d.ts (wasm-bindgen's, naming the core's types in contract.d.ts) compiled with tsc
// against typed.ts, as a TypeScript user's code.
import { test } from 'node:test'
import { execFileSync } from 'node:child_process'
import { createRequire } from 'node:module'
import { fileURLToPath } from 'node:url'

test('the TypeScript example compiles with tsc --noEmit under strict', () => {
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc')
  execFileSync(process.execPath, [tsc, '-p', fileURLToPath(new URL('tsconfig.json', import.meta.url))], { stdio: 'pipe' })
})
