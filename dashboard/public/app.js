// The first live page: open alerts, emergencies first, updated over socket.io without a reload.
const KIND_TEXT = {
  'alarm.pressed': 'Alarm pressed',
  'fall.detected': 'Fall detected',
  'smoke.detected': 'Smoke detected',
  'co.detected': 'Carbon monoxide detected',
  'heat.detected': 'Heat detected',
  'flood.detected': 'Flood detected',
}
const PRIORITY_RANK = { emergency: 0, urgent: 1, warning: 2, technical: 3 }
const ANSWER_TARGET_S = 60
const alerts = new Map()
const $ = (id) => document.getElementById(id)
let socket

async function api(path, options = {}) {
  const response = await fetch(path, {
    ...options,
    headers: { 'content-type': 'application/json', ...(options.headers ?? {}) },
    credentials: 'same-origin',
  })
  const body = response.status === 204 ? null : await response.json()
  if (!response.ok) throw new Error(body?.error?.message ?? `HTTP ${response.status}`)
  return body
}

function showSignIn() {
  $('signin').hidden = false
  $('queue').hidden = true
  $('signout').hidden = true
  $('who').textContent = ''
  $('username').focus()
}

async function showQueue(user) {
  $('signin').hidden = true
  $('queue').hidden = false
  $('signout').hidden = false
  $('who').textContent = `Signed in as ${user.displayName}`
  connect()
}

function setConnection(live, text) {
  const el = $('connection')
  el.textContent = text
  el.classList.toggle('live', live)
}

function connect() {
  socket?.disconnect()
  // eslint-disable-next-line no-undef
  socket = io({ transports: ['websocket', 'polling'] })
  socket.on('connect', async () => {
    setConnection(true, 'Live')
    await resync()
  })
  socket.on('disconnect', () => setConnection(false, 'Connection lost — reconnecting; alerts may be out of date'))
  socket.on('connect_error', (error) => {
    setConnection(false, `Not connected: ${error.message}`)
    if (error.message === 'unauthorized') showSignIn()
  })
  socket.on('alert', (alert) => {
    if (resyncing) pendingEvents.push(alert)
    else merge(alert)
    render()
  })
}

const STATUS_RANK = { raised: 0, acknowledged: 1, resolved: 2 }
const resolvedIds = new Set()
let resyncing = false
let pendingEvents = []

// Keeps the newest known state of an alert: a late answer never brings back what was resolved.
function merge(alert) {
  if (resolvedIds.has(alert.id)) return
  const known = alerts.get(alert.id)
  if (known && STATUS_RANK[known.status] > STATUS_RANK[alert.status]) return
  if (alert.status === 'resolved') {
    resolvedIds.add(alert.id)
    alerts.delete(alert.id)
  } else {
    alerts.set(alert.id, alert)
  }
}

// On every (re)connect the queue is rebuilt from the API, so nothing stale survives a gap;
// alerts that arrive while the snapshot is loading are applied on top of it.
async function resync() {
  resyncing = true
  pendingEvents = []
  try {
    const { alerts: open } = await api('/api/alerts/queue')
    alerts.clear()
    for (const alert of open) merge(alert)
  } finally {
    resyncing = false
    for (const alert of pendingEvents) merge(alert)
    pendingEvents = []
    render()
  }
}

function sorted() {
  return [...alerts.values()].sort(
    (a, b) => PRIORITY_RANK[a.priority] - PRIORITY_RANK[b.priority] || a.raisedAt.localeCompare(b.raisedAt),
  )
}

function elapsed(alert) {
  const seconds = Math.max(0, Math.floor((Date.now() - Date.parse(alert.raisedAt)) / 1000))
  const m = Math.floor(seconds / 60)
  const s = String(seconds % 60).padStart(2, '0')
  return { seconds, text: `${m}:${s}` }
}

function render() {
  const list = $('alerts')
  const items = sorted()
  $('empty').hidden = items.length > 0
  $('count').textContent = items.length ? `(${items.length})` : ''
  const existing = new Map([...list.children].map((li) => [li.dataset.id, li]))
  items.forEach((alert, index) => {
    const li = existing.get(alert.id) ?? createItem(alert)
    existing.delete(alert.id)
    fill(li, alert)
    if (list.children[index] !== li) list.insertBefore(li, list.children[index] ?? null)
  })
  for (const stale of existing.values()) stale.remove()
}

function createItem(alert) {
  const li = $('alert-template').content.firstElementChild.cloneNode(true)
  li.dataset.id = alert.id
  li.querySelector('.ack').addEventListener('click', () => act(li, `/api/alerts/${alert.id}/acknowledge`, {}))
  li.querySelector('.resolve').addEventListener('submit', (event) => {
    event.preventDefault()
    const form = new FormData(event.target)
    const note = String(form.get('note') ?? '').trim()
    act(li, `/api/alerts/${alert.id}/resolve`, { outcome: form.get('outcome'), ...(note ? { note } : {}) })
  })
  return li
}

function fill(li, alert) {
  li.dataset.priority = alert.priority
  li.dataset.status = alert.status
  li.dataset.escalated = String(alert.escalationLevel > 0 || alert.reraisedCount > 0)
  li.querySelector('.priority').textContent = alert.priority
  li.querySelector('.person').textContent = alert.personName
  li.querySelector('.kind').textContent = alert.summary ?? KIND_TEXT[alert.kind] ?? alert.kind
  const parts = [`Device ${alert.deviceId || 'none'}`, `raised ${new Date(alert.raisedAt).toLocaleTimeString()}`]
  if (alert.occurrences > 1) parts.push(`${alert.occurrences} times`)
  if (alert.escalationLevel > 0) parts.push(`ESCALATED (level ${alert.escalationLevel})`)
  if (alert.reraisedCount > 0) parts.push(`back in the queue: acknowledged but not resolved in time`)
  if (alert.flapping) parts.push('flapping')
  if (alert.clearedAt) parts.push(`condition cleared ${new Date(alert.clearedAt).toLocaleTimeString()}`)
  if (alert.cancelledAt) parts.push('cancelled by the person')
  parts.push(alert.status === 'acknowledged' ? `acknowledged by ${alert.acknowledgedBy}` : 'waiting for a responder')
  li.querySelector('.meta').textContent = parts.join(' · ')
  li.querySelector('.ack').hidden = alert.status !== 'raised'
  li.setAttribute('aria-label', `${alert.priority}: ${alert.personName}, ${KIND_TEXT[alert.kind] ?? alert.kind}, ${alert.status}`)
  tick(li, alert)
}

function tick(li, alert) {
  const clock = li.querySelector('.clock')
  const { seconds, text } = elapsed(alert)
  clock.textContent = text
  const waiting = alert.status === 'raised'
  clock.classList.toggle('amber', waiting && seconds >= ANSWER_TARGET_S / 2 && seconds < ANSWER_TARGET_S)
  clock.classList.toggle('red', waiting && seconds >= ANSWER_TARGET_S)
}

async function act(li, path, body) {
  const error = li.querySelector('.action-error')
  error.textContent = ''
  try {
    merge(await api(path, { method: 'POST', body: JSON.stringify(body) }))
    render()
  } catch (e) {
    error.textContent = e.message
  }
}

$('signin-form').addEventListener('submit', async (event) => {
  event.preventDefault()
  $('signin-error').textContent = ''
  try {
    const { user } = await api('/api/auth/login', {
      method: 'POST',
      body: JSON.stringify({ username: $('username').value, password: $('password').value }),
    })
    $('password').value = ''
    await showQueue(user)
  } catch (e) {
    $('signin-error').textContent = e.message
  }
})

$('signout').addEventListener('click', async () => {
  await api('/api/auth/logout', { method: 'POST' }).catch(() => undefined)
  socket?.disconnect()
  alerts.clear()
  render()
  setConnection(false, 'Signed out')
  showSignIn()
})

setInterval(() => {
  for (const li of $('alerts').children) {
    const alert = alerts.get(li.dataset.id)
    if (alert) tick(li, alert)
  }
}, 1000)

api('/api/auth/me').then(({ user }) => showQueue(user), showSignIn)
