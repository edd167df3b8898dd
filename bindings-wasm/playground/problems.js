// The definition's live problems: checked by the engine as the user types (one check in flight), listed as
// "line N · path message (code)", each line marked in the gutter and selected on a click.
import { $, code, h } from './dom.js'

const MAX_GUTTER_LINES = 5000
const editor = $('definition')

let problemLines = new Map()

export function drawGutter() {
  const lines = Math.min(editor.value.split('\n').length, MAX_GUTTER_LINES)
  const gutter = $('gutter')
  gutter.replaceChildren(
    ...Array.from({ length: lines }, (_, i) => {
      const problem = problemLines.get(i + 1)
      return h('div', problem ? { className: 'bad', title: problem } : {}, String(i + 1))
    }),
  )
  gutter.scrollTop = editor.scrollTop
}

function selectLine(line) {
  const starts = [0]
  for (let i = 0; i < editor.value.length && starts.length < line; i++) if (editor.value[i] === '\n') starts.push(i + 1)
  const start = starts[line - 1] ?? 0
  const end = editor.value.indexOf('\n', start)
  editor.focus()
  editor.setSelectionRange(start, end < 0 ? editor.value.length : end)
}

function showProblems(problems, failure) {
  problemLines = new Map()
  const list = $('problems')
  if (failure) {
    list.replaceChildren(h('div', { className: 'problem' }, failure))
  } else if (problems.length === 0) {
    list.replaceChildren(h('div', { className: 'ok' }, 'The definition loads: no problems.'))
  } else {
    for (const p of problems) if (p.line) problemLines.set(p.line, `${p.path}: ${p.message}`)
    list.replaceChildren(
      ...problems.map((p) =>
        h(
          'div',
          { className: 'problem', onclick: () => p.line && selectLine(p.line) },
          p.line ? `line ${p.line} · ` : '',
          p.path ? code(p.path) : '',
          ` ${p.message} `,
          h('small', {}, `(${p.code})`),
        ),
      ),
    )
  }
  drawGutter()
}

let checking = false
let recheckWanted = false
/** Checks the definition with `engine`; a check asked for while one runs follows it. */
export async function recheck(engine) {
  if (checking) {
    recheckWanted = true
    return
  }
  checking = true
  try {
    showProblems(await engine.call('check', editor.value))
  } catch (error) {
    showProblems(null, error.message)
  } finally {
    checking = false
    if (recheckWanted) {
      recheckWanted = false
      recheck(engine)
    }
  }
}
