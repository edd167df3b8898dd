// The shared conformance vectors (tests/vectors, described in its README) through the Node package, or with
// TEST_TARGET=wasm through the WebAssembly build (bindings-wasm/build.sh) running in Node.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { readdirSync, readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { fileURLToPath } from 'node:url'
import * as native from '../index.mjs'

/** Each target's Session, and the `{path, code}` problems of a definition that does not load (null if it does). */
const TARGETS = {
  native: () => ({
    Session: native.Session,
    problemsOf (definition) {
      try {
        void new native.Session(definition)
        return null
      } catch (error) {
        assert.ok(error instanceof native.ConfigError, String(error))
        return error.data.problems
      }
    },
  }),
  wasm: () => {
    const wasm = createRequire(import.meta.url)('../../bindings-wasm/pkg-node/wsgate_wasm.js')
    return { Session: wasm.Session, problemsOf: (definition) => (wasm.check(definition).length ? wasm.check(definition) : null) }
  },
}
const { Session, problemsOf } = TARGETS[process.env.TEST_TARGET ?? 'native']()

const VECTORS = fileURLToPath(new URL('../../tests/vectors', import.meta.url))
// `${file stem}: ${case description}` -> why it is expected to fail here. Empty: every case passes.
const EXPECTED_FAILURES = {}

function * cases () {
  for (const topic of readdirSync(VECTORS, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name).sort()) {
    for (const file of readdirSync(`${VECTORS}/${topic}`).filter((f) => f.endsWith('.json')).sort()) {
      const document = JSON.parse(readFileSync(`${VECTORS}/${topic}/${file}`, 'utf8'))
      for (const vector of document.cases) yield { name: `${topic}/${file.slice(0, -5)}: ${vector.description}`, document, vector }
    }
  }
}

/** The first difference between `expected` and `actual`: objects match on the keys `expected` gives. */
function mismatch (expected, actual, path = 'trace') {
  if (expected && actual && typeof expected === 'object' && typeof actual === 'object' && !Array.isArray(expected)) {
    for (const [key, value] of Object.entries(expected)) {
      if (!(key in actual)) return `${path}.${key}: missing, expected ${JSON.stringify(value)}`
      const found = mismatch(value, actual[key], `${path}.${key}`)
      if (found) return found
    }
    return null
  }
  if (Array.isArray(expected) && Array.isArray(actual) && expected.length === actual.length) {
    for (let i = 0; i < expected.length; i++) {
      const found = mismatch(expected[i], actual[i], `${path}[${i}]`)
      if (found) return found
    }
    return null
  }
  return JSON.stringify(expected) === JSON.stringify(actual) ? null : `${path}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`
}

function lookup (value, dotted) {
  for (const key of dotted.split('.')) {
    if (value === null || typeof value !== 'object' || !(key in value)) return undefined
    value = value[key]
  }
  return value
}

function run (document, vector) {
  const definition = vector.api ?? document.api
  if (vector.problems) {
    const problems = problemsOf(definition)
    assert.ok(problems, 'the definition should not load')
    const found = new Set(problems.map((p) => `${p.path} ${p.code}`))
    for (const want of vector.problems) assert.ok(found.has(`${want.path} ${want.code}`), JSON.stringify(problems))
    return
  }
  const session = new Session(definition, vector.session ?? document.session)
  vector.steps.forEach((step, i) => {
    const trace = session.step(step)
    const problem = mismatch(step.expect, trace)
    assert.equal(problem, null, `step ${i}: ${problem}\n  whole trace: ${JSON.stringify(trace)}`)
    for (const path of step.absent ?? []) assert.equal(lookup(trace, path), undefined, `step ${i}: ${path} should be absent`)
  })
}

const all = [...cases()]

test('the vectors are all here', () => assert.ok(all.length > 80, `${all.length} cases`))

for (const { name, document, vector } of all) {
  const reason = EXPECTED_FAILURES[name]
  test(name, () => (reason ? assert.throws(() => run(document, vector), undefined, `passes now: ${reason}`) : run(document, vector)))
}
