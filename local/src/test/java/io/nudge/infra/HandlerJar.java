package io.nudge.infra;

import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * A function jar opened on its own (platform class loader as parent), so a handler found here is one Lambda will
 * find: nothing leaks in from the test classpath. Types are compared by name, since they come from the jar.
 */
final class HandlerJar implements AutoCloseable {
    static final String REQUEST_HANDLER = "com.amazonaws.services.lambda.runtime.RequestHandler";

    private final URLClassLoader loader;

    private HandlerJar(URLClassLoader loader) {
        this.loader = loader;
    }

    static HandlerJar open(Path jar) throws IOException {
        return new HandlerJar(new URLClassLoader(new URL[] {jar.toUri().toURL()}, ClassLoader.getPlatformClassLoader()));
    }

    /** "a.b.Handler::handleRequest" → "a.b.Handler". */
    static String className(String handler) {
        int colons = handler.indexOf("::");
        return colons < 0 ? handler : handler.substring(0, colons);
    }

    static String methodName(String handler) {
        int colons = handler.indexOf("::");
        return colons < 0 ? "handleRequest" : handler.substring(colons + 2);
    }

    Class<?> load(String className, boolean initialize) throws ClassNotFoundException {
        return Class.forName(className, initialize, loader);
    }

    /** The input type argument of RequestHandler&lt;I, O&gt; as the class or a superclass implements it. */
    static Optional<String> requestHandlerInput(Class<?> type) {
        for (Class<?> c = type; c != null; c = c.getSuperclass()) {
            for (Type implemented : c.getGenericInterfaces()) {
                if (implemented instanceof ParameterizedType parameterized
                        && parameterized.getRawType() instanceof Class<?> raw
                        && raw.getName().equals(REQUEST_HANDLER)) {
                    return Optional.of(parameterized.getActualTypeArguments()[0].getTypeName());
                }
            }
        }
        return Optional.empty();
    }

    /** The handler's {@code public static final List<String> ENVIRONMENT}. */
    static List<String> environment(Class<?> handler) throws ReflectiveOperationException {
        Field field = handler.getField("ENVIRONMENT");
        int modifiers = field.getModifiers();
        if (!Modifier.isStatic(modifiers) || !List.class.isAssignableFrom(field.getType())) {
            throw new IllegalStateException(handler.getName() + ".ENVIRONMENT is not a static List");
        }
        return ((List<?>) field.get(null)).stream().map(String::valueOf).toList();
    }

    @Override
    public void close() throws IOException {
        loader.close();
    }
}
