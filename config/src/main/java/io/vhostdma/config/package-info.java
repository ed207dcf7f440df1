/**
 * The vhostd config file: immutable records, a YAML/JSON loader and validation (design.md §7).
 *
 * <p>Contract:
 * <ul>
 *   <li>{@link io.vhostdma.config.ConfigLoader} reads a file (or text) into a
 *       {@link io.vhostdma.config.VhostdConfig}, or throws a
 *       {@link io.vhostdma.config.ConfigException} listing <em>every</em> problem found, each as
 *       {@code path: message} (for example {@code ports[1].queue-pairs: 0 is out of range (1..128)}).
 *       A returned config is always valid; nothing here touches a socket or the network.</li>
 *   <li>Parsing uses Jackson's tree model; validation is hand written, one reader per section
 *       ({@code PortsReader}, {@code WorkersReader}, {@code ManagementReader}) over a shared
 *       {@code Problems} collector with {@code ConfigPath} tracking. Unknown keys are errors.</li>
 *   <li>The sections {@code dma}, {@code bindings} and {@code access-groups} are recognised but not
 *       supported yet; their presence is a validation problem, never silently ignored. They will be
 *       added as new trailing record components of {@code VhostdConfig}, keeping the current
 *       constructor as a secondary one.</li>
 *   <li>{@link io.vhostdma.config.EmbeddedDefault} builds the config used when no {@code --config}
 *       is given and renders any config back to YAML.</li>
 * </ul>
 * The reference for users is docs/config.md.
 */
package io.vhostdma.config;
