import { describe, expect, it } from 'vitest'
import { allDevicesTopic, deviceTopic, parseDeviceTopic } from '../../../contract/index.js'

describe('device topics', () => {
  it('builds and parses the PROTOCOL topic layout', () => {
    expect(deviceTopic('wrist-0042', 'readings')).toBe('wellbeing/v1/devices/wrist-0042/readings')
    expect(parseDeviceTopic('wellbeing/v1/devices/wrist-0042/readings')).toEqual({ deviceId: 'wrist-0042', suffix: 'readings' })
    expect(allDevicesTopic('events')).toBe('wellbeing/v1/devices/+/events')
  })

  it('rejects other roots, unknown suffixes, extra levels and invalid device ids', () => {
    expect(parseDeviceTopic('wellbeing/v2/devices/a/status')).toBeNull()
    expect(parseDeviceTopic('wellbeing/v1/devices/a/debug')).toBeNull()
    expect(parseDeviceTopic('wellbeing/v1/devices/a/status/extra')).toBeNull()
    expect(parseDeviceTopic('wellbeing/v1/devices/+/status')).toBeNull()
    expect(parseDeviceTopic(`wellbeing/v1/devices/${'x'.repeat(65)}/status`)).toBeNull()
  })
})
