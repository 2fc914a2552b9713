package io.zktoolkit.examples;

import io.zktoolkit.config.ToolkitClient;
import io.zktoolkit.config.audit.AuditTrail;
import picocli.CommandLine.Option;

/** {@code --reason} and {@code --actor} of a command whose change goes into the audit trail. */
final class AuditedChangeOptions {
    @Option(names = "--reason", required = true, paramLabel = "WHY", description = "Why, for the audit trail.")
    String reason;
    @Option(names = "--actor", paramLabel = "WHO", description = "Who asks (a name, a ticket), for the audit trail.")
    String actor;

    /** What is wrong with the options, or null when nothing is. */
    String problem() {
        return reason.isBlank() ? "--reason must not be blank: it goes into the audit trail" : null;
    }

    /** The trail the change is recorded in, naming the actor. */
    AuditTrail trail(ToolkitClient zk) {
        return AuditTrail.builder(zk).actor(actor).build();
    }
}
