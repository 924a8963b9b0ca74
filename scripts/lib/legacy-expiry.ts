// What `npm run users:legacy -- --expire-older-than DAYS` runs (scripts/users-legacy.ts), as SQL for
// `wrangler d1 execute`, apart from the command so that the workerd tests run the very same statements:
// which accounts are dormant on a Flask-site hash, and for each one the app's credential change that
// turns that hash off and queues the notice "Your old password was turned off" with it.
import { and, lt, type SQL, sql } from "drizzle-orm";
import { schema } from "~/database/db.server";
import { UNUSABLE_PASSWORD_HASH } from "~/passwords/stored-hash.server";
import { credentialChangeSql } from "./credential-change";
import { sqlText, statementBuilder } from "./statements";

const { users } = schema;

/**
 * Still on a Flask-site hash (neither argon2id nor the unusable marker), with no login since `cutoff`
 * (on either site) and imported before it.
 */
function dormantOnOldHash(cutoff: Date): SQL | undefined {
  return and(
    sql`${users.passwordHash} NOT LIKE '$argon2id$%'`,
    sql`substr(${users.passwordHash}, 1, 1) <> '!'`,
    sql`coalesce(${users.lastLoginAt}, 0) < ${cutoff.getTime()}`,
    lt(users.createdAt, cutoff),
  );
}

export type ExpiryCandidate = { id: number; email: string; credential_generation: number };

/** The query for the accounts to expire: their ids, addresses and credential generations. */
export function expiryCandidatesSql(cutoff: Date): string {
  return sqlText(
    statementBuilder()
      .select({ id: users.id, email: users.email, credential_generation: users.credentialGeneration })
      .from(users)
      .where(dormantOnOldHash(cutoff)),
  );
}

/**
 * One account's expiry: the credential change (a new generation, every session and reset link void,
 * failure counts cleared) that stores the unusable marker and queues the notice, bound to the
 * generation read with the candidates and to the account still being dormant. A change made meanwhile
 * (a password set, a reset) or a login (which replaces the old hash and sets the last login) wins:
 * nothing is written and no notice queued. The last statement returns the new generation when it applied.
 */
export function expirySql(account: ExpiryCandidate, cutoff: Date, now = new Date()): Promise<string[]> {
  return credentialChangeSql(
    {
      userId: account.id,
      email: account.email,
      set: { passwordHash: UNUSABLE_PASSWORD_HASH },
      ifGeneration: account.credential_generation,
      onlyIf: dormantOnOldHash(cutoff),
      queueNotice: "old_password_expired",
    },
    now,
  );
}
