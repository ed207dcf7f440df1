import java.util.Arrays;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.discovery.DiscoverySelectors;
import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;

/**
 * Runs the given JUnit 5 test classes with the JUnit Platform launcher (no Maven: the dmabuf-kernel guest
 * sees the host tree read-only) and prints one line per test, {@code test PASS|FAIL|SKIP <name> [why]},
 * then {@code junit: tests=N passed=N failed=N skipped=N}. Exit 0 only when every test passed and none
 * was skipped or aborted (an assumption that fails here means the kernel path did not run).
 */
public final class RunJUnit {
    private RunJUnit() {
    }

    public static void main(String[] classes) {
        LauncherDiscoveryRequest request = LauncherDiscoveryRequestBuilder.request()
            .selectors(Arrays.stream(classes).map(DiscoverySelectors::selectClass).toList()).build();
        AtomicInteger passed = new AtomicInteger();
        AtomicInteger failed = new AtomicInteger();
        AtomicInteger skipped = new AtomicInteger();
        Launcher launcher = LauncherFactory.create();
        launcher.execute(request, new TestExecutionListener() {
            @Override
            public void executionSkipped(TestIdentifier id, String reason) {
                skipped.incrementAndGet();
                System.out.println("test SKIP " + id.getLegacyReportingName() + " " + reason);
            }

            @Override
            public void executionFinished(TestIdentifier id, TestExecutionResult result) {
                if (!id.isTest() && result.getStatus() == TestExecutionResult.Status.SUCCESSFUL) {
                    return;
                }
                String name = id.getUniqueId().replaceAll(".*class:([^\\]]*)\\].*method:([^(\\]]*).*", "$1#$2");
                String why = result.getThrowable().map(Throwable::toString).orElse("");
                switch (result.getStatus()) {
                    case SUCCESSFUL -> passed.incrementAndGet();
                    case ABORTED -> skipped.incrementAndGet();
                    case FAILED -> failed.incrementAndGet();
                }
                String verdict = switch (result.getStatus()) {
                    case SUCCESSFUL -> "PASS";
                    case ABORTED -> "SKIP";
                    case FAILED -> "FAIL";
                };
                System.out.println("test " + verdict + " " + name + (why.isEmpty() ? "" : " " + why));
                result.getThrowable().filter(t -> result.getStatus() == TestExecutionResult.Status.FAILED)
                    .ifPresent(t -> t.printStackTrace(System.out));
            }
        });
        int total = passed.get() + failed.get() + skipped.get();
        System.out.println("junit: tests=" + total + " passed=" + passed + " failed=" + failed + " skipped=" + skipped);
        System.out.flush();
        System.exit(failed.get() == 0 && skipped.get() == 0 && passed.get() > 0 ? 0 : 1);
    }
}
