package io.zktoolkit.examples;

import io.zktoolkit.config.ToolkitClient;
import io.zktoolkit.locks.LockBreaker;
import io.zktoolkit.locks.LockBreaker.BrokenLock;
import java.io.PrintWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code zktoolkit locks break PATH --reason WHY}: removes a hung holder so the next waiter proceeds. */
@Command(name = "break", mixinStandardHelpOptions = true,
        description = "Remove the current holder of the mutex at PATH (as 'zktoolkit locks' shows it) so the next waiter"
                + " proceeds with a higher fencing token; the broken holder's fenced writes are refused from then on."
                + " Recorded in the audit trail. Exit code 1 when the lock is not held or ZooKeeper refuses.")
final class LocksBreakCommand extends ConnectedCommand {
    @Parameters(index = "0", paramLabel = "PATH", description = "The lock's path, for example /locks/tables/orders.")
    String path;
    @Mixin
    AuditedChangeOptions audit;

    @Override
    protected void validate() {
        if (!path.startsWith("/")) {
            throw usageError("PATH must be the lock's absolute path as 'zktoolkit locks' shows it, such as /locks/orders, got '"
                    + path + "'");
        }
        if (audit.problem() != null) {
            throw usageError(audit.problem());
        }
    }

    @Override
    protected int run(ToolkitClient zk, PrintWriter out) throws Exception {
        BrokenLock broken = new LockBreaker(zk.curator(), audit.trail(zk)).breakLock(path, audit.reason);
        out.printf("Broke lock %s: removed %s (token %d, node %s); the next waiter proceeds with a higher token%n",
                broken.path(), broken.holder(), broken.token(), broken.node());
        return ExitCodes.OK;
    }
}
