package io.vhostdma.backend.control;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** vhost-dma's version, from the build (the Maven project version written into a resource). */
final class Version {
    static final String VALUE = read();

    private Version() {
    }

    private static String read() {
        try (InputStream in = Version.class.getResourceAsStream("version.properties")) {
            if (in == null) {
                return "unknown";
            }
            Properties p = new Properties();
            p.load(in);
            return p.getProperty("version", "unknown");
        } catch (IOException e) {
            return "unknown";
        }
    }
}
