// What every part of the page builds its DOM with: elements from text (never HTML), and long text cut short.

const MAX_SHOWN_CHARS = 2000

export const $ = (id) => document.getElementById(id)

/** A DOM element; children are nodes or strings (always text, never HTML). */
export function h(tag, props = {}, ...children) {
  const element = Object.assign(document.createElement(tag), props)
  element.append(...children.flat(Infinity).filter((c) => c !== null && c !== undefined && c !== false))
  return element
}

export const code = (text) => h('code', {}, text)
const shown = (text) => (text.length > MAX_SHOWN_CHARS ? `${text.slice(0, MAX_SHOWN_CHARS)}… (${text.length} characters)` : text)
export const pre = (value, props = {}) => h('pre', props, shown(typeof value === 'string' ? value : JSON.stringify(value, null, 2)))

export function setStatus(text) {
  $('status').textContent = text
}
