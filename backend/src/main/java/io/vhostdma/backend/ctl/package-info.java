/**
 * {@code vhostctl}, the command-line management client: parses a command with picocli ({@code Cli}, one
 * annotated class per command in {@code ViewCommands} and {@code ChangeCommands}, picocli's usage text
 * and bash completion), finds vhostd's endpoint
 * ({@code Target}: {@code --addr}, {@code --socket}, {@code $VHOSTCTL_SOCKET}, else the runtime directory
 * computed as vhostd computes it), reads tokens from files or stdin only ({@code Secrets}), calls the gRPC service
 * through the generated {@code VhostdControlGrpcClient} method descriptors, converts replies back to
 * the management view records and prints them as aligned tables or, with {@code --json}, as JSON
 * (Jackson on the same records). Contract: exit code 0 when the command did what it says, 1 when the
 * server refused it ({@code vhostctl: CODE: message}) or could not be reached
 * ({@code vhostctl: cannot reach vhostd at ADDR: reason}), 2 for a usage mistake (usage on stderr).
 */
package io.vhostdma.backend.ctl;
