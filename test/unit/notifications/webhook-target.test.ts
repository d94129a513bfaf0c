import { describe, expect, it } from 'vitest'
import { targetRefusal } from '../../../notifications/webhook-target.js'

const refusal = (url: string, allowPrivate = false): string | undefined => targetRefusal(new URL(url), allowPrivate)

describe('where a webhook may be sent', () => {
  it('takes https anywhere public, and plain http only to this machine', () => {
    expect(refusal('https://alarms.example.org/hook')).toBeUndefined()
    expect(refusal('https://93.184.216.34/hook')).toBeUndefined()
    expect(refusal('http://127.0.0.1:8999/hook')).toBeUndefined()
    expect(refusal('http://127.10.0.1/hook')).toBeUndefined()
    expect(refusal('http://localhost:8999/hook')).toBeUndefined()
    expect(refusal('http://[::1]:8999/hook')).toBeUndefined()
    expect(refusal('http://alarms.example.org/hook')).toMatch(/plain http is accepted only to this machine/)
    expect(refusal('http://10.0.0.5/hook', true)).toMatch(/plain http/)
  })

  it('refuses private and special networks unless the operator allows private ones', () => {
    for (const url of ['https://10.0.0.5/', 'https://172.20.1.1/', 'https://192.168.1.10/', 'https://169.254.169.254/latest/meta-data', 'https://100.64.0.1/', 'https://[fd00::1]/', 'https://[fe80::1]/', 'https://[::ffff:10.0.0.1]/']) {
      expect(refusal(url)).toMatch(/private network.*HEARTH_WEBHOOK_ALLOW_PRIVATE=true/)
      expect(refusal(url, true)).toBeUndefined()
    }
  })

  it('never sends to addresses that lead nowhere, or back here by another name', () => {
    for (const url of ['https://0.0.0.0/', 'https://[::]/', 'https://224.0.0.1/', 'https://255.255.255.255/']) expect(refusal(url, true)).toMatch(/not an address a webhook can be sent to/)
  })
})
