import { render } from 'preact'
import 'uplot/dist/uPlot.min.css'
import './styles/base.css'
import './styles/queue.css'
import './styles/console.css'
import './styles/pages.css'
import './styles/circles.css'
import { App } from './app.js'
import { unlockAudio } from './sound.js'

// Browsers allow sound only after a gesture; the first one unlocks the emergency cue.
for (const type of ['pointerdown', 'keydown'] as const) window.addEventListener(type, unlockAudio, { once: true, capture: true })

const root = document.getElementById('app')
if (root) render(<App />, root)
