package io.zktoolkit.examples;

import io.zktoolkit.config.ToolkitClient;
import io.zktoolkit.recovery.assignment.Assignment;
import io.zktoolkit.recovery.assignment.Completion;
import io.zktoolkit.recovery.assignment.FleetInspector;
import io.zktoolkit.recovery.assignment.FleetInspector.FleetReport;
import io.zktoolkit.recovery.membership.MemberRecord;
import java.io.PrintWriter;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code zktoolkit fleet [FLEET]}: work fleets, or one fleet's members, assignments and completions. */
@Command(name = "fleet", mixinStandardHelpOptions = true,
        description = "List work fleets, or show one FLEET: live members (heartbeat, load, progress), each task's"
                + " assignment and epoch, and completions. Exit code 1 while tasks are pending.")
final class FleetCommand extends ConnectedCommand {
    @Parameters(index = "0", arity = "0..1", paramLabel = "FLEET", description = "Show this fleet.")
    String fleet;

    @Override
    protected int run(ToolkitClient zk, PrintWriter out) throws Exception {
        FleetInspector inspector = new FleetInspector(zk);
        if (fleet == null) {
            List<String> fleets = inspector.fleets();
            out.printf("Fleets (%d)%n", fleets.size());
            for (String name : fleets) {
                FleetReport r = inspector.read(name);
                out.printf("  %-24s %d members, %d tasks, %d done%n", name, r.members().size(), r.assignments().size(),
                        r.completions().size());
            }
            return ExitCodes.OK;
        }
        FleetReport r = inspector.read(fleet);
        out.printf("Fleet %s: %d members, %d tasks, %d done, %d pending%n", fleet, r.members().size(),
                r.assignments().size(), r.completions().size(), r.pending());
        for (MemberRecord m : r.members()) {
            out.printf("  member %-16s %s  %s pid %d, heartbeat %d at %s, load %.2f%s%n", m.memberId(), m.node(), m.host(),
                    m.pid(), m.heartbeat(), m.heartbeatAt(), m.load(), m.progress().isEmpty() ? "" : ", " + m.progress());
        }
        for (Assignment a : r.assignments().values()) {
            Completion c = r.completions().get(a.task());
            out.printf("  task %-20s epoch %d  %s%n", a.task(), a.epoch(), c != null
                    ? "done by " + c.memberId() + " at epoch " + c.epoch() + ": " + c.result()
                    : a.assignee().map(n -> "assigned to " + a.memberId()).orElse("unassigned"));
        }
        r.unreadable().forEach(u -> out.println("  unreadable: " + u));
        return r.pending() == 0 ? ExitCodes.OK : ExitCodes.FAILED;
    }
}
