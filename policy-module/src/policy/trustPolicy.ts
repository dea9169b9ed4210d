// The trust policy: the one machine-readable statement of a trust's information-governance rules.
// Every other part of Bleep reads these types; none re-declares a field. Each default is written once, on its
// field; a missing section is parsed as {} (prefault), so its fields' defaults apply.
import { z } from 'zod';

/** A Matrix server name: a hostname with an optional port (spec: appendices#server-name). */
export const serverNameSchema = z
  .string()
  .regex(/^[a-z0-9.-]+(:\d{1,5})?$/i, 'must be a Matrix server name such as "trust-a.nhs.uk" or "host:8448"');

export const trustPolicySchema = z
  .object({
    version: z.literal(1),
    trust: z
      .object({
        name: z.string().min(1),
        /** NHS Organisation Data Service code, e.g. "RJ1". */
        odsCode: z.string().regex(/^[A-Z0-9]{3,5}$/, 'must be an ODS code of 3 to 5 capitals or digits'),
        serverName: serverNameSchema,
      })
      .strict(),
    federation: z
      .object({
        /** Server names of partner trusts. Empty means this trust federates with nobody, never "everybody". */
        partners: z.array(serverNameSchema),
      })
      .strict(),
    retention: z
      .object({
        /** Message content is purged from the homeserver this long after it was sent. */
        serverHours: z
          .number()
          .int()
          .positive()
          .max(24 * 30)
          .default(72),
        /** Clients delete their local copy this long after a message was sent. */
        clientDays: z.number().int().positive().max(366).default(90),
        /**
         * Each enrolled desktop reports the age of its archive through the gateway; a desktop whose last report (or
         * sign-in, if it never reported since) is older than this is overdue, and warned.
         */
        expiryReportHours: z
          .number()
          .int()
          .positive()
          .max(24 * 7)
          .default(24),
        /** An overdue desktop is signed out (and wipes itself) once it has been overdue this long. */
        expiryGraceHours: z
          .number()
          .int()
          .nonnegative()
          .max(24 * 14)
          .default(24),
      })
      .strict()
      .prefault({}),
    devices: z
      .object({
        enrolmentRequired: z.boolean().default(true),
        idleLockMinutes: z.number().int().positive().max(240).default(5),
      })
      .strict()
      .prefault({}),
    encryption: z
      .object({
        required: z.boolean().default(true),
        /** Event types that may travel unencrypted: they carry no clinical content. */
        plaintextEventTypes: z.array(z.string().min(1)).default(['m.reaction', 'm.room.redaction']),
      })
      .strict()
      .prefault({}),
    media: z
      .object({
        maxUploadBytes: z
          .number()
          .int()
          .positive()
          .default(50 * 1024 * 1024),
      })
      .strict()
      .prefault({}),
    notifications: z
      .object({
        /** What a desktop notification may show; patient data must not appear on a shared screen. */
        content: z.enum(['none', 'sender', 'full']).default('none'),
        /**
         * The push gateways (their https …/_matrix/push/v1/notify URLs) a pusher may name. None by default: desktops
         * receive over sync, and even a content-free notice tells whoever runs the push gateway when a clinician is
         * messaged.
         */
        pushGateways: z.array(z.url({ protocol: /^https$/, hostname: z.regexes.domain })).default([]),
      })
      .strict()
      .prefault({}),
  })
  .strict()
  .superRefine((policy, ctx) => {
    if (policy.federation.partners.includes(policy.trust.serverName)) {
      ctx.addIssue({
        code: 'custom',
        path: ['federation', 'partners'],
        message: 'a trust cannot list itself as a partner',
      });
    }
  });

export type TrustPolicy = Readonly<z.infer<typeof trustPolicySchema>>;
