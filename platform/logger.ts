import { pino, type Logger, type DestinationStream } from 'pino'

/** One logger for the platform; secrets and health data are redacted wherever they appear. */
export function createLogger(level: string, destination?: DestinationStream): Logger {
  return pino(
    {
      level,
      base: { app: 'hearth' },
      timestamp: pino.stdTimeFunctions.isoTime,
      redact: {
        paths: [
          'password',
          'secret',
          'token',
          '*.password',
          '*.secret',
          '*.token',
          'req.headers.cookie',
          'req.headers.authorization',
          'value',
          '*.value',
          'medicalNotes',
          '*.medicalNotes',
        ],
        censor: '[redacted]',
      },
    },
    destination,
  )
}
