package io.zktoolkit.examples;

import io.zktoolkit.config.ToolkitClient;
import io.zktoolkit.locks.LockInspector;
import io.zktoolkit.locks.LockInspector.LeaderInfo;
import io.zktoolkit.locks.LockInspector.LockInfo;
import java.io.PrintWriter;
import java.util.List;
import picocli.CommandLine.Command;

/** {@code zktoolkit locks}: every held lock with its holder, token and waiters, and every election's leader. */
@Command(name = "locks", mixinStandardHelpOptions = true,
        description = "List held locks (holder, fencing token, since, waiters) and election groups (leader, token, standbys).",
        subcommands = {LocksBreakCommand.class, LocksFailoverCommand.class})
final class LocksCommand extends ConnectedCommand {
    @Override
    protected int run(ToolkitClient zk, PrintWriter out) throws Exception {
        LockInspector inspector = new LockInspector(zk);
        List<LockInfo> locks = inspector.locks();
        out.printf("Locks (%d held)%n", locks.size());
        for (LockInfo lock : locks) {
            out.printf("  %s%s  %s by %s, token %d, since %s, %d waiting%n", lock.path(),
                    lock.object().equals("/") ? "" : " " + lock.object(), lock.mode(), lock.holder(), lock.token(),
                    lock.since(), lock.waiters().size());
        }
        List<LeaderInfo> leaders = inspector.leaders();
        out.printf("Leaders (%d groups)%n", leaders.size());
        for (LeaderInfo leader : leaders) {
            out.printf("  %s  %s, token %d, since %s, standbys %s%n", leader.group(), leader.leader(), leader.token(),
                    leader.since(), leader.standbys().isEmpty() ? "none" : String.join(", ", leader.standbys()));
        }
        return ExitCodes.OK;
    }
}
