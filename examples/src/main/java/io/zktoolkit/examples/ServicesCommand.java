package io.zktoolkit.examples;

import io.zktoolkit.config.ToolkitClient;
import io.zktoolkit.discovery.SelectionStrategy;
import io.zktoolkit.discovery.ServiceEndpoint;
import io.zktoolkit.discovery.ServiceRegistry;
import io.zktoolkit.discovery.ServiceView;
import io.zktoolkit.discovery.hive.HiveServerInstance;
import io.zktoolkit.discovery.hive.HiveServerResolver;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code zktoolkit services}: registered services with their instances, and HiveServer2 instances. */
@Command(name = "services", mixinStandardHelpOptions = true,
        description = "List registered services and their live instances (address, attributes, weight), and the"
                + " HiveServer2 instances registered in Hive's own format under each --hive namespace.")
final class ServicesCommand extends ConnectedCommand {
    @Option(names = "--hive", paramLabel = "NAMESPACE", defaultValue = "hiveserver2",
            description = "A HiveServer2 ZooKeeper namespace to list (repeatable; default: ${DEFAULT-VALUE}).")
    List<String> hiveNamespaces = new ArrayList<>();

    @Override
    protected int run(ToolkitClient zk, PrintWriter out) throws Exception {
        try (ServiceRegistry registry = ServiceRegistry.create(zk)) {
            registry.start();
            List<String> services = registry.services();
            out.printf("Services (%d)%n", services.size());
            for (String service : services) {
                try (ServiceView view = registry.view(service, SelectionStrategy.ROUND_ROBIN)) {
                    view.start();
                    List<ServiceEndpoint> instances = view.instances();
                    out.printf("  %s: %d instance%s%n", service, instances.size(), instances.size() == 1 ? "" : "s");
                    for (ServiceEndpoint e : instances) {
                        out.printf("    %s  %s  weight %d%s%n", e.id(), e.hostAndPort(), e.weight(),
                                e.attributes().isEmpty() ? "" : "  " + e.attributes());
                    }
                }
            }
        }
        for (String namespace : hiveNamespaces) {
            try (HiveServerResolver resolver = HiveServerResolver.builder(zk).namespace(namespace).build()) {
                resolver.start();
                List<HiveServerInstance> instances = resolver.instances();
                out.printf("HiveServer2 in /%s (%d)%n", namespace, instances.size());
                for (HiveServerInstance i : instances) {
                    out.printf("  %s  %s%n", i.name(), i.jdbcUrl("default", java.util.Map.of()));
                }
            }
        }
        return ExitCodes.OK;
    }
}
