package io.zktoolkit.recovery.membership;

/**
 * A member as a {@link FailureDetector} sees it now.
 *
 * @param record its latest record
 * @param health its health
 */
public record MemberStatus(MemberRecord record, MemberHealth health) {
}
