// The name napi-rs gives this machine's build of the addon, `wsgate.<platform>-<arch>[-abi].node`, shared by the
// loader (index.js) and the install step (install.js).
'use strict'

function abi() {
  if (process.platform === 'win32') return '-msvc'
  if (process.platform !== 'linux') return ''
  // glibc's version is in the process report on glibc systems only; the rest are musl (Alpine).
  return process.report?.getReport()?.header?.glibcVersionRuntime ? '-gnu' : '-musl'
}

module.exports = `wsgate.${process.platform}-${process.arch}${abi()}.node`
