/**
 * vhostd's configuration: the YAML format, its records and checks (API, docs/embedding.md).
 */
module io.vhostdma.config {
    requires com.fasterxml.jackson.databind;
    requires com.fasterxml.jackson.dataformat.yaml;
    requires org.yaml.snakeyaml;

    exports io.vhostdma.config;
}
