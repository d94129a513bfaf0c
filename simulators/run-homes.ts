import { ApiClient } from './api-client.js'
import { VirtualHome } from './virtual-home.js'

export interface RunHomesOptions {
  apiUrl: string
  mqttUrl: string
  username: string
  password: string
  homes: number
  reportSeconds: number
  /** Random incidents: a press and a fall, each on its own interval; 0 turns it off. */
  pressEverySeconds: number
  fallEverySeconds: number
  log: (line: string) => void
}

const FIRST_NAMES = ['Ada', 'Grace', 'Alan', 'Mary', 'Tom', 'Edith', 'Arthur', 'Joan', 'Harold', 'Ivy', 'Stan', 'Rose']
const LAST_NAMES = ['Lovelace', 'Hopper', 'Turing', 'Seacole', 'Jones', 'Cavell', 'Ransome', 'Clarke', 'Wilson', 'Evans']

function personName(index: number): string {
  const first = FIRST_NAMES[index % FIRST_NAMES.length] ?? 'Sam'
  const last = LAST_NAMES[index % LAST_NAMES.length] ?? 'Smith'
  // 12 first and 10 last names give 60 distinct people before a number is needed.
  const round = Math.floor(index / 60)
  return round === 0 ? `${first} ${last}` : `${first} ${last} ${round + 1}`
}

/** Provisions and runs N homes; returns them with a stop function. */
export async function runHomes(options: RunHomesOptions): Promise<{ homes: VirtualHome[]; stop: () => Promise<void> }> {
  const api = new ApiClient(options.apiUrl)
  await api.login(options.username, options.password)
  const homes: VirtualHome[] = []
  for (let i = 0; i < options.homes; i++) {
    const home = await VirtualHome.provision(api, personName(i), {
      mqttUrl: options.mqttUrl,
      reportSeconds: options.reportSeconds,
      seed: i + 1,
      log: options.log,
    })
    await home.start()
    homes.push(home)
    options.log(`home ${i + 1}/${options.homes}: ${home.personName} (${home.personId}) online`)
  }
  const timers: NodeJS.Timeout[] = []
  const pick = (): VirtualHome | undefined => homes[Math.floor(Math.random() * homes.length)]
  if (options.pressEverySeconds > 0) timers.push(setInterval(() => void pick()?.press(), options.pressEverySeconds * 1000))
  if (options.fallEverySeconds > 0) timers.push(setInterval(() => void pick()?.fall(), options.fallEverySeconds * 1000))
  return {
    homes,
    async stop() {
      for (const timer of timers) clearInterval(timer)
      await Promise.all(homes.map((h) => h.stop()))
    },
  }
}
