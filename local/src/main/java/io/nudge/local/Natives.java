package io.nudge.local;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

/**
 * DynamoDB Local stores data with sqlite4java, a JNI library. The runnable jar carries its native files;
 * this puts them in a folder and points sqlite4java.library.path at it, so plain `java -jar` works.
 */
final class Natives {
    private static final List<String> FILES = List.of(
            "libsqlite4java-linux-amd64.so", "libsqlite4java-osx.dylib", "sqlite4java-win32-x64.dll");

    private Natives() {}

    static void install(Path folder) throws IOException {
        if (System.getProperty("sqlite4java.library.path") != null) {
            return;
        }
        Files.createDirectories(folder);
        boolean found = false;
        for (String file : FILES) {
            try (InputStream in = Natives.class.getResourceAsStream("/sqlite4java-natives/" + file)) {
                if (in == null) {
                    continue;
                }
                Path target = folder.resolve(file);
                Path temp = Files.createTempFile(folder, file, ".tmp");
                Files.copy(in, temp, StandardCopyOption.REPLACE_EXISTING);
                Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                found = true;
            }
        }
        if (!found) {
            throw new IllegalStateException("the sqlite4java native libraries are not in this jar; build it with ./mvnw package");
        }
        System.setProperty("sqlite4java.library.path", folder.toString());
    }
}
