package io.nudge.unsubscribe;

import io.nudge.config.Env;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The HMAC keys for unsubscribe tokens. New tokens are signed with the current key; a token signed with any key
 * still in the ring verifies, so a key can be rotated without breaking the links in emails already sent, and
 * removed once those no longer need to work.
 *
 * @param keys key id to key, at least 32 bytes each (the HMAC-SHA256 output size; shorter keys weaken it)
 */
public record KeyRing(String currentKeyId, Map<String, byte[]> keys) {
    /** {@code k2:BASE64KEY,k1:BASE64KEY}: the first entry is the current key. */
    public static final String VARIABLE = "NUDGE_UNSUBSCRIBE_KEYS";
    public static final int MIN_KEY_BYTES = 32;
    // Key ids travel inside tokens between dots, so they must be URL-safe and dot-free.
    private static final Pattern KEY_ID = Pattern.compile("[A-Za-z0-9_-]{1,32}");

    public KeyRing {
        Objects.requireNonNull(currentKeyId, "currentKeyId");
        Objects.requireNonNull(keys, "keys");
        LinkedHashMap<String, byte[]> copy = new LinkedHashMap<>();
        keys.forEach((id, key) -> {
            Objects.requireNonNull(id, "key id");
            Objects.requireNonNull(key, "key");
            if (!KEY_ID.matcher(id).matches()) {
                // The id is not echoed: a key pasted into the wrong place must not end up in a log.
                throw new IllegalArgumentException("a key id must be 1 to 32 letters, digits, '_' or '-'");
            }
            if (key.length < MIN_KEY_BYTES) {
                throw new IllegalArgumentException("key '" + id + "' is shorter than " + MIN_KEY_BYTES + " bytes");
            }
            copy.put(id, key.clone());
        });
        if (!copy.containsKey(currentKeyId)) {
            throw new IllegalArgumentException("the current key '" + currentKeyId + "' is not in the ring");
        }
        keys = Collections.unmodifiableMap(copy);
    }

    /** Reads {@link #VARIABLE}; fails at init, naming it, when it is missing or malformed. */
    public static KeyRing fromEnvironment(Map<String, String> env) {
        return parse(Env.require(env, VARIABLE));
    }

    /**
     * Parses {@code id:base64key} entries separated by commas, the first being current. Keys may be standard or
     * URL-safe base64, padded or not. Error messages never contain key material.
     */
    public static KeyRing parse(String config) {
        Objects.requireNonNull(config, "config");
        String[] entries = config.split(",", -1);
        LinkedHashMap<String, byte[]> keys = new LinkedHashMap<>();
        String current = null;
        for (int i = 0; i < entries.length; i++) {
            String entry = entries[i].strip();
            int colon = entry.indexOf(':');
            if (colon <= 0 || colon == entry.length() - 1) {
                throw malformed("entry " + (i + 1) + " is not <keyId>:<base64 key>");
            }
            String id = entry.substring(0, colon).strip();
            byte[] key;
            try {
                key = Base64.getDecoder().decode(entry.substring(colon + 1).strip().replace('-', '+').replace('_', '/'));
            } catch (IllegalArgumentException e) {
                throw malformed("the key of '" + safeId(id) + "' is not base64");
            }
            if (keys.put(id, key) != null) {
                throw malformed("key id '" + safeId(id) + "' appears twice");
            }
            if (current == null) {
                current = id;
            }
        }
        try {
            return new KeyRing(current, keys);
        } catch (IllegalArgumentException e) {
            throw malformed(e.getMessage());
        }
    }

    /** A copy: the ring itself stays immutable. */
    @Override
    public Map<String, byte[]> keys() {
        LinkedHashMap<String, byte[]> copy = new LinkedHashMap<>();
        keys.forEach((id, key) -> copy.put(id, key.clone()));
        return copy;
    }

    /** The key itself, not a copy: only for signing inside this package. */
    byte[] key(String id) {
        return keys.get(id);
    }

    @Override
    public boolean equals(Object other) {
        if (!(other instanceof KeyRing ring) || !currentKeyId.equals(ring.currentKeyId)
                || !keys.keySet().equals(ring.keys.keySet())) {
            return false;
        }
        return keys.entrySet().stream().allMatch(e -> Arrays.equals(e.getValue(), ring.keys.get(e.getKey())));
    }

    @Override
    public int hashCode() {
        return Objects.hash(currentKeyId, keys.keySet());
    }

    /** Key ids only: key material must never reach a log. */
    @Override
    public String toString() {
        return "KeyRing[currentKeyId=" + currentKeyId + ", keyIds=" + keys.keySet() + "]";
    }

    private static IllegalStateException malformed(String why) {
        return new IllegalStateException("environment variable " + VARIABLE + " is malformed: " + why);
    }

    // An id is echoed in errors only if it looks like one: a pasted key in the wrong place must not be.
    private static String safeId(String id) {
        return KEY_ID.matcher(id).matches() ? id : "?";
    }
}
