package io.zktoolkit.examples;

import io.zktoolkit.config.ToolkitClient;
import io.zktoolkit.recovery.failover.ForcedFailover;
import java.io.PrintWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code zktoolkit locks failover GROUP --reason WHY}: makes an active/standby group's active step down. */
@Command(name = "failover", mixinStandardHelpOptions = true,
        description = "Force a failover of the election GROUP (as 'zktoolkit locks' lists it under Leaders): its leader"
                + " steps down and a standby takes over with a higher epoch. Recorded in the audit trail. Exit code 1"
                + " when the group has no participants or ZooKeeper refuses.")
final class LocksFailoverCommand extends ConnectedCommand {
    @Parameters(index = "0", paramLabel = "GROUP", description = "The election group, for example streaming-orders.")
    String group;
    @Mixin
    AuditedChangeOptions audit;

    @Override
    protected void validate() {
        if (audit.problem() != null) {
            throw usageError(audit.problem());
        }
    }

    @Override
    protected int run(ToolkitClient zk, PrintWriter out) throws Exception {
        ForcedFailover.Result r = new ForcedFailover(zk, audit.trail(zk)).failover(group, audit.reason);
        out.printf("Forced %s (token %d) to step down in %s; %s%n", r.leader().participantId(), r.leader().token(), group,
                r.leader().standbys() == 0 ? "no standby is waiting: it will rejoin and become active again"
                        : r.leader().standbys() + " standby(s) waiting, the first takes over with a higher epoch");
        return ExitCodes.OK;
    }
}
