package io.nudge.channel.outbox;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.regex.Pattern;

/** Writes a whole file or nothing: whoever watches the outbox never reads half a message. */
final class AtomicFiles {
    private static final Pattern SAFE_NAME = Pattern.compile("[A-Za-z0-9_-][A-Za-z0-9_.-]{0,127}");

    private AtomicFiles() {}

    /**
     * The temp file lives in the same folder, so the final rename stays on one file system and can be atomic. Its
     * name starts with a dot and ends in {@code .tmp}, so a reader looking for {@code *.eml} never picks it up.
     */
    static void write(Path dir, String fileName, byte[] content) throws IOException {
        Files.createDirectories(dir);
        Path temp = Files.createTempFile(dir, "." + fileName + ".", ".tmp");
        try {
            Files.write(temp, content);
            Files.move(temp, dir.resolve(fileName), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException | RuntimeException e) {
            try {
                Files.deleteIfExists(temp);
            } catch (IOException cleanup) {
                e.addSuppressed(cleanup);
            }
            throw e;
        }
    }

    /** A message id becomes a file name, so it must not be able to climb out of the outbox. */
    static String requireSafeName(String messageId) {
        if (!SAFE_NAME.matcher(messageId).matches()) {
            throw new IllegalArgumentException("messageId is not usable as a file name");
        }
        return messageId;
    }
}
