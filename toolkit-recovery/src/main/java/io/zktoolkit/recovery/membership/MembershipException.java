package io.zktoolkit.recovery.membership;

/** A member could not join its fleet. */
public class MembershipException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** With a message naming the member, the fleet and the cause. */
    public MembershipException(String message, Throwable cause) {
        super(message, cause);
    }
}
