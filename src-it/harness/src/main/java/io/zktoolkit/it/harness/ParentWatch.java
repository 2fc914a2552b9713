package io.zktoolkit.it.harness;

/**
 * Child side of {@link ChildJvm}: ends the child when the JVM that started it is gone.
 *
 * <p>{@code ChildJvm} kills its children from a shutdown hook, which does not run when the test
 * JVM itself is killed with SIGKILL (a fork timeout, an impatient developer). A child that calls
 * {@link #haltWhenParentExits()} first thing in its {@code main} then goes too, instead of holding
 * locks, sessions and CPU on the build machine.
 */
public final class ParentWatch {
    /** Exit code of a child that outlived its parent. */
    public static final int ORPHANED_EXIT_CODE = 3;

    private ParentWatch() {
    }

    /**
     * Halts this JVM as soon as its parent process exits. Returns at once; a child without a parent
     * it can watch (already orphaned) halts at once.
     */
    public static void haltWhenParentExits() {
        ProcessHandle.current().parent().ifPresentOrElse(
                parent -> parent.onExit().thenRun(() -> Runtime.getRuntime().halt(ORPHANED_EXIT_CODE)),
                () -> Runtime.getRuntime().halt(ORPHANED_EXIT_CODE));
    }
}
