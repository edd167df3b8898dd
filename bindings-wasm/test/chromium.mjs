// Debian's Chromium, headless, through playwright-core: what the browser tests of this package share.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { chromium } from 'playwright-core'

/** A browser with a fresh profile directory (playwright passes it to Chromium as --user-data-dir). */
export async function launch() {
  const profile = mkdtempSync(join(tmpdir(), 'wsgate-chromium-'))
  const browser = await chromium.launchPersistentContext(profile, {
    executablePath: '/usr/bin/chromium',
    args: [
      '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
    ],
    viewport: { width: 1400, height: 1000 },
  })
  const close = browser.close.bind(browser)
  browser.close = async () => {
    await close()
    rmSync(profile, { recursive: true, force: true })
  }
  return browser
}
