package io.zktoolkit.examples;

import io.zktoolkit.config.ToolkitClient;
import io.zktoolkit.config.audit.AuditTrail;
import io.zktoolkit.locks.LockBreaker;
import io.zktoolkit.locks.LockBreaker.BrokenLock;
import java.io.PrintWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code zktoolkit locks break PATH --reason WHY}: removes a hung holder so the next waiter proceeds. */
@Command(name = "break", mixinStandardHelpOptions = true,
        description = "Remove the current holder of the mutex at PATH (as 'zktoolkit locks' shows it) so the next waiter"
                + " proceeds with a higher fencing token; the broken holder's fenced writes are refused from then on."
                + " Recorded in the audit trail. Exit code 1 when the lock is not held or ZooKeeper refuses.")
final class LocksBreakCommand extends ConnectedCommand {
    @Parameters(index = "0", paramLabel = "PATH", description = "The lock's path, for example /locks/tables/orders.")
    String path;
    @Option(names = "--reason", required = true, paramLabel = "WHY", description = "Why, for the audit trail.")
    String reason;
    @Option(names = "--actor", paramLabel = "WHO", description = "Who asks (a name, a ticket), for the audit trail.")
    String actor;

    @Override
    protected void validate() {
        if (!path.startsWith("/")) {
            throw usageError("PATH must be the lock's absolute path as 'zktoolkit locks' shows it, such as /locks/orders, got '"
                    + path + "'");
        }
        if (reason.isBlank()) {
            throw usageError("--reason must not be blank: it goes into the audit trail");
        }
    }

    @Override
    protected int run(ToolkitClient zk, PrintWriter out) throws Exception {
        BrokenLock broken = new LockBreaker(zk.curator(), AuditTrail.builder(zk).actor(actor).build()).breakLock(path, reason);
        out.printf("Broke lock %s: removed %s (token %d, node %s); the next waiter proceeds with a higher token%n",
                broken.path(), broken.holder(), broken.token(), broken.node());
        return ExitCodes.OK;
    }
}
