package io.vhostdma.vhost.transport;

import io.vertx.core.Vertx;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One io_uring Vert.x instance for all tests of a class ({@link ServerFixture#vertx()}), closed after the
 * last one: {@code @RegisterExtension static final ClassVertx VERTX = new ClassVertx();}.
 */
final class ClassVertx implements BeforeAllCallback, AfterAllCallback {
    private Vertx vertx;

    Vertx get() {
        return vertx;
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        vertx = ServerFixture.vertx();
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        ServerFixture.await(vertx.close().toCompletionStage());
    }
}
