#!/usr/bin/env node
// `wsgate` (`npx wsgate`): the command line every wsgate package shares, parsed and decided by the core (check,
// route, usage, exit codes); this file only serves, with JavaScript handlers:
//
//   npx wsgate serve api.yaml --handlers ./handlers.mjs   # its exports named after integration ids or route keys
//   npx wsgate serve api.yaml --handlers lambdas/         # integrationUri handler strings such as chat.handler
//   npx wsgate serve template.yaml                        # a SAM/CloudFormation template's nodejs* functions
'use strict'

const { once } = require('node:events')
const { existsSync, mkdtempSync, writeFileSync } = require('node:fs')
const { createRequire } = require('node:module')
const { tmpdir } = require('node:os')
const { join, resolve } = require('node:path')
const { pathToFileURL } = require('node:url')
const { Gateway, GatewayError } = require('./index.js')
const native = require(`./${require('./platform.js')}`)

/**
 * Imports a handler string's file the way Lambda's Node.js runtime finds it: `app` is app.js, .mjs or .cjs of the
 * code folder; inline code (`InlineCode`, `Code.ZipFile`) is the file index.js of a folder of its own.
 */
async function importHandlerFile({ directory, module, source }) {
  if (source !== null) {
    directory = mkdtempSync(join(tmpdir(), 'wsgate-inline-'))
    writeFileSync(join(directory, `${module}.js`), source)
  }
  const file = ['.js', '.mjs', '.cjs'].map((ext) => join(directory, module + ext)).find((f) => existsSync(f))
  if (!file) throw new GatewayError(`no ${module}.js, ${module}.mjs or ${module}.cjs in ${directory}`)
  return import(pathToFileURL(file).href)
}

/** `--handlers MODULE`: a file path, or a package or module name resolved from the working directory. */
async function importModule(name) {
  const file = resolve(name)
  if (existsSync(file)) return import(pathToFileURL(file).href)
  return import(pathToFileURL(createRequire(join(process.cwd(), 'noop.js')).resolve(name)).href)
}

/**
 * Registers the handlers the core chose: a folder's files (`--handlers DIR`, a template function's code) by
 * handler string, a template function's inline code, or the `--handlers` module's exports; returns what was bound.
 */
async function bindHandlers(gateway, handlers, bindings) {
  let module
  const bound = []
  for (const binding of bindings) {
    const exports = binding.module !== null
      ? await importHandlerFile(binding)
      : (module ??= await importModule(handlers))
    // An ES module's exports, or a CommonJS module's module.exports (its `default` when imported).
    const fn = exports[binding.function] ?? exports.default?.[binding.function]
    const name = `${binding.module ?? handlers}.${binding.function}`
    if (typeof fn !== 'function') {
      if (binding.required) throw new GatewayError(`${name} is not a function in ${binding.directory ?? handlers ?? 'its inline code'}`)
      continue
    }
    if (binding.integration !== null) {
      gateway.integration(binding.integration, fn)
      bound.push(`${binding.integration} -> ${name}`)
    } else if (binding.authorizer !== null) {
      gateway.authorizer(binding.authorizer, fn)
      bound.push(`authorizer ${binding.authorizer} -> ${name}`)
    } else {
      gateway.route(binding.route, fn)
      bound.push(`route ${binding.route} -> ${name}`)
    }
  }
  return bound
}

async function serve({ serve: args, handlers, functions, environment, tlsNote }) {
  const gateway = new Gateway(args.file, args.template)
  // Lambda sets a function's environment before its code loads; in-process functions share this process's.
  Object.assign(process.env, environment)
  for (const line of functions) console.error(line)
  const bound = await bindHandlers(gateway, args.handlers, handlers)
  // A template's functions were named above; --handlers bindings are named here.
  if (args.handlers) for (const line of bound) console.error(`handler: ${line}`)
  const server = await gateway.listen(args.options)
  console.log(`listening on ${server.url}`)
  console.error(tlsNote)
  if (args.options.management) console.error(`management API on ${server.managementUrl}`)
  await Promise.race([once(process, 'SIGINT'), once(process, 'SIGTERM')])
  await server.close()
  return 0
}

async function main(argv) {
  const outcome = native.cli(['wsgate', ...argv])
  if (outcome.serve) return serve(outcome)
  if (outcome.stderr) process.stderr.write(outcome.stderr.replace(/\n*$/, '\n'))
  if (outcome.stdout) process.stdout.write(outcome.stdout.replace(/\n*$/, '\n'))
  return outcome.code
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code
  },
  (error) => {
    console.error(error instanceof GatewayError ? error.message : error)
    process.exitCode = 1
  },
)
