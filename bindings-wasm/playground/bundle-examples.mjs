// Writes every examples/*/api.yaml into one ES module, `export default { name: text, ... }`, so that the
// playground has them one click away as a static page, with no server to ask.
import { readdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs'
import { join } from 'node:path'

const [examples, out] = process.argv.slice(2)
const bundle = {}
for (const name of readdirSync(examples).sort()) {
  const file = join(examples, name, 'api.yaml')
  if (existsSync(file)) bundle[name] = readFileSync(file, 'utf8')
}
writeFileSync(out, `export default ${JSON.stringify(bundle, null, 2)}\n`)
