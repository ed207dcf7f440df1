package io.vhostdma.backend.ctl;

import io.vhostdma.backend.grpc.proto.GetConfigRequest;
import io.vhostdma.backend.grpc.proto.VhostdControlGrpcClient;
import java.util.Map;
import picocli.CommandLine.Command;

/** {@code vhostctl config ...}: the running configuration. */
final class ConfigCommands {
    private ConfigCommands() {
    }

    /** {@code config}: only groups its subcommands. */
    @Command(name = "config", description = "dump: the running config (live changes included) as YAML vhostd accepts",
            subcommands = Dump.class)
    static final class Config {
    }

    /**
     * {@code config dump}: the running configuration (ports added or removed, bindings and groups changed
     * live) as YAML {@code vhostd --config} accepts. It holds the access groups' tokens, so it needs the
     * socket that takes changes (or the TCP management token), never the read-only one.
     */
    @Command(name = "dump", description = "print the running config (live changes included; group tokens too) as YAML")
    static final class Dump extends CtlCommand.WithoutToken {
        @Override
        public boolean readOnly() {
            return false;
        }

        @Override
        public void run(CtlCommand.Session s) {
            String yaml = s.client().call(VhostdControlGrpcClient.GetConfig, GetConfigRequest.getDefaultInstance()).getYaml();
            s.out().print(Map.of("yaml", yaml), () -> yaml);
        }
    }
}
