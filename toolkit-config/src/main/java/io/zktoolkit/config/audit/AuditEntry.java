package io.zktoolkit.config.audit;

import java.time.Instant;

/**
 * One entry of an {@link AuditTrail}, as read back.
 *
 * @param node the entry's znode, with the client's namespace (the path {@code zkCli} shows)
 * @param zxid the transaction that wrote the change and this entry: orders entries across clients
 * @param serverTime when the ensemble committed it (the znode's ctime, the leader's clock)
 * @param clientTime the writing process's clock when it sent the change
 * @param who who wrote it
 * @param what what it did
 */
public record AuditEntry(String node, long zxid, Instant serverTime, Instant clientTime, AuditActor who, AuditRecord what) {
}
