package io.zktoolkit.examples;

import io.zktoolkit.config.ToolkitClient;
import io.zktoolkit.sync.state.JobBoard;
import io.zktoolkit.sync.state.JobSnapshot;
import io.zktoolkit.sync.state.RunState;
import io.zktoolkit.sync.state.RunStatus;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code zktoolkit jobs [JOB]}: jobs on the shared job board, or one job with its tasks. */
@Command(name = "jobs", mixinStandardHelpOptions = true,
        description = "List the jobs on the shared job board (state, progress, publisher), or one JOB with its tasks.")
final class JobsCommand extends ConnectedCommand {
    @Parameters(index = "0", arity = "0..1", paramLabel = "JOB", description = "Show this job and its tasks.")
    String job;

    @Override
    protected int run(ToolkitClient zk, PrintWriter out) {
        // Long intervals: a look at the board must not clean it up on its owners' behalf.
        try (JobBoard board = JobBoard.builder(zk).cleanupEvery(Duration.ofDays(365)).build()) {
            board.start();
            if (job == null) {
                List<JobSnapshot> jobs = board.jobs();
                out.printf("Jobs (%d)%n", jobs.size());
                jobs.forEach(j -> out.println("  " + line(j.job()) + (j.isAbandoned() ? "  ABANDONED (publisher gone)" : "")
                        + ", " + j.tasks().size() + " tasks"));
                return ExitCodes.OK;
            }
            Optional<JobSnapshot> found = board.job(job);
            if (found.isEmpty()) {
                throw new IllegalArgumentException("No job '" + job + "' on the board at " + board.root()
                        + "; 'zktoolkit jobs' lists them");
            }
            JobSnapshot j = found.get();
            out.println(line(j.job()) + (j.isAbandoned() ? "  ABANDONED (publisher gone)" : ""));
            j.tasks().values().forEach(t -> out.println("  " + line(t)));
            return j.job().state() == RunState.FAILED ? ExitCodes.FAILED : ExitCodes.OK;
        }
    }

    private static String line(RunStatus s) {
        String progress = s.fraction().map(f -> String.format(" %3.0f%%", f * 100)).orElse("");
        return String.format("%-30s %-10s%s %s (by %s, %s)", s.id(), s.state(), progress, s.message(), s.publisher(),
                s.updatedAt());
    }
}
