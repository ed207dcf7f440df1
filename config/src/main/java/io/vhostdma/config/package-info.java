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
 *       ({@code PortsReader}, {@code WorkersReader}, {@code ManagementReader}, {@code DmaReader},
 *       {@code BindingsReader}, {@code AccessGroupsReader}) over a shared {@code Problems} collector
 *       with {@code ConfigPath} tracking. Unknown keys are errors. Checks that span sections
 *       ({@code BindingRules}, {@code MembershipRules}) run after every section is read and skip
 *       what refers to an entry or section that already has a problem.</li>
 *   <li>Access-group tokens are resolved at load time ({@code env:VAR} from the environment map given
 *       to the loader, {@code file:PATH} from the file); no problem message contains a token.</li>
 *   <li>{@link io.vhostdma.config.EmbeddedDefault} builds the config used when no {@code --config}
 *       is given and renders any config back to YAML.</li>
 * </ul>
 * The reference for users is docs/config.md.
 */
package io.vhostdma.config;
