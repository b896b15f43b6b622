package dev.basalt.testkit.server;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Runs one Basalt server (fresh temporary data directory, free loopback port) for the annotated test
 * class; test methods and constructors receive it as a {@link TestServer} parameter.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@ExtendWith(BasaltServerExtension.class)
public @interface BasaltServerTest {
    /** Configuration overrides as {@code key=value}, e.g. {@code "server.maxRequestBody=1KiB"}. */
    String[] settings() default {};
}
