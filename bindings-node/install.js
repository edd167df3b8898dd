// `npm install`'s step for wsgate: keeps the prebuilt addon when the package has one that loads on this machine;
// otherwise builds it from the Rust sources with cargo (a clone's bindings-node/, or the crate/ folder the npm
// tarball carries), which needs nothing from npm, so it works for a linked folder too (`npm install ./path`).
'use strict'

const { execFileSync } = require('node:child_process')
const { copyFileSync, existsSync } = require('node:fs')
const { join } = require('node:path')
const addon = require('./platform.js')

const target = join(__dirname, addon)

function loads() {
  try {
    require(target)
    return true
  } catch {
    return false
  }
}

function build() {
  const packaged = join(__dirname, 'crate', 'bindings-node', 'Cargo.toml')
  const manifest = existsSync(packaged) ? packaged : join(__dirname, 'Cargo.toml')
  let messages
  try {
    messages = execFileSync(
      'cargo',
      ['build', '--release', '--locked', '--manifest-path', manifest, '--message-format=json-render-diagnostics'],
      { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 1 << 28 },
    )
  } catch (error) {
    if (error.code === 'ENOENT') {
      throw new Error(
        `wsgate has no prebuilt addon for ${process.platform}-${process.arch} and cargo is not on PATH to build ` +
          'one: install Rust (https://rustup.rs), then npm install again',
      )
    }
    throw new Error(`wsgate: cargo could not build the addon (${error.message.split('\n')[0]})`)
  }
  const built = messages
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line))
    .filter((m) => m.reason === 'compiler-artifact' && m.target.name === 'wsgate_node')
    .flatMap((m) => m.filenames)
    .find((file) => /\.(so|dylib|dll)$/.test(file))
  if (!built) throw new Error('wsgate: cargo built no addon library')
  copyFileSync(built, target)
}

if (!(existsSync(target) && loads())) {
  try {
    build()
  } catch (error) {
    console.error(error.message)
    process.exit(1)
  }
}
