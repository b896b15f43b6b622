package dev.basalt.testkit.server;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/** Starts the server for a {@link BasaltServerTest} class and stops it (and removes its data) afterwards. */
public final class BasaltServerExtension implements BeforeAllCallback, ParameterResolver {
    private static final ExtensionContext.Namespace NAMESPACE =
            ExtensionContext.Namespace.create(BasaltServerExtension.class);

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        context.getStore(NAMESPACE).put(TestServer.class, new Running(start(context.getRequiredTestClass())));
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == TestServer.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        Running running = context.getStore(NAMESPACE).get(TestServer.class, Running.class);
        if (running == null) {
            throw new ExtensionConfigurationException("no Basalt server: annotate the class with @BasaltServerTest");
        }
        return running.server;
    }

    private static TestServer start(Class<?> testClass) throws Exception {
        Map<String, String> settings = new LinkedHashMap<>();
        BasaltServerTest annotation = testClass.getAnnotation(BasaltServerTest.class);
        for (String setting : annotation == null ? new String[0] : annotation.settings()) {
            int eq = setting.indexOf('=');
            if (eq < 1) {
                throw new ExtensionConfigurationException("setting must be key=value: " + setting);
            }
            settings.put(setting.substring(0, eq), setting.substring(eq + 1));
        }
        TestServerLauncher launcher = ServiceLoader.load(TestServerLauncher.class).findFirst().orElseThrow(() ->
                new ExtensionConfigurationException("no TestServerLauncher on the test classpath: add basalt-api"));
        return launcher.start(Files.createTempDirectory("basalt-test-"), settings);
    }

    /** Closes the server when the class's store is closed, then deletes its data directory. */
    private record Running(TestServer server) implements ExtensionContext.Store.CloseableResource {
        @Override
        public void close() {
            server.close();
            deleteTree(server.dataDir());
        }
    }

    static void deleteTree(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
